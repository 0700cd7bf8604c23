import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { workflows } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa } from '../../test-support/webhook-client';
import { ProjectionWorker } from './projection-worker';

describe.each(testDrivers)('ProjectionWorker sweep on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(() => s?.stop());

  it('tells onTimedOut how many running workflows each sweep turned timed_out (the metrics count them)', async () => {
    const event = makeEvent();
    expect((await postOsa(s.url, s.config.webhook.secrets[0]!, event)).status).toBe(202);
    await s.settle();
    const sweeps: number[] = [];
    // Two hours on: past the 30-minute time-out.
    const worker = new ProjectionWorker({
      db: s.ctx.db,
      logger: s.ctx.logger,
      now: () => Date.now() + 2 * 3_600_000,
      timeoutMin: s.config.opal.workflowTimeoutMin,
      pollMs: 3_600_000,
      sweepMs: 10,
      onTimedOut: (n) => sweeps.push(n),
    });
    worker.start();
    try {
      await vi.waitFor(() => expect(sweeps.length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    } finally {
      await worker.stop();
    }
    // Sweeps may overlap on a 10 ms timer: one of them turned it, the others found nothing.
    expect(sweeps.filter((n) => n > 0)).toEqual([1]);
    const [row] = await s.ctx.db.select({ status: workflows.status }).from(workflows).where(eq(workflows.workflowId, event.workflow_id));
    expect(row?.status).toBe('timed_out');
  });
});
