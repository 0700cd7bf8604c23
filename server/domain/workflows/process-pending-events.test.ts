import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents, workflows } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa } from '../../test-support/webhook-client';
import { processPendingEvents } from './process-pending-events';

describe.each(testDrivers)('processPendingEvents on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
    // The worker would race the test for pending events.
    await s.ctx.projections.stop();
  });
  afterAll(() => s?.stop());

  it('applies a batch spanning many workflows, and isolates one whose projection update fails', async () => {
    const ids = ['wf-batch-a', 'wf-batch-b', 'wf-batch-poison', 'wf-batch-c'];
    for (const workflowId of ids) {
      for (let offset = 0; offset < 3; offset++) {
        const e = makeEvent({ workflow_id: workflowId, offset, event_type: offset === 0 ? 'workflow.started' : 'agent.started', agent_id: offset === 0 ? undefined : `geo_audit` });
        expect((await postOsa(s.url, s.config.webhook.secrets[0]!, e)).status).toBe(202);
      }
    }
    await s.ctx.appender.drain();
    // A projection update that fails for one workflow only, as a broken row would.
    await s.ctx.db.execute(sql`create or replace function poison() returns trigger language plpgsql as $$
      begin if new.workflow_id = 'wf-batch-poison' then raise exception 'poisoned workflow'; end if; return new; end $$`);
    await s.ctx.db.execute(sql`create trigger poison_trigger before insert on agent_runs for each row execute function poison()`);
    try {
      expect(await processPendingEvents(s.ctx.db, { now: new Date(), timeoutMin: 30, batchSize: 500 })).toBe(12);
    } finally {
      await s.ctx.db.execute(sql`drop trigger poison_trigger on agent_runs`);
    }
    const rows = await s.ctx.db
      .select({ workflowId: webhookEvents.workflowId, status: webhookEvents.processingStatus, error: webhookEvents.processingError })
      .from(webhookEvents)
      .where(inArray(webhookEvents.workflowId, ids));
    for (const r of rows) {
      if (r.workflowId === 'wf-batch-poison') {
        expect(r.status).toBe('failed');
        expect(r.error).toBe('projection update failed: poisoned workflow');
      } else {
        expect(r.status).toBe('processed');
      }
    }
    const projected = await s.ctx.db.select({ id: workflows.workflowId }).from(workflows).where(inArray(workflows.workflowId, ids));
    expect(projected.map((p) => p.id).sort()).toEqual(['wf-batch-a', 'wf-batch-b', 'wf-batch-c']);
    const [a] = await s.ctx.db.select().from(workflows).where(eq(workflows.workflowId, 'wf-batch-a'));
    expect(a).toMatchObject({ status: 'running', eventCount: 3 });
  });
});
