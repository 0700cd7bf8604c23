import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa, postStandard } from '../../test-support/webhook-client';

const COPIES = 200;
const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});

describe.each(testDrivers)('concurrent copies of one event on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(() => s?.stop());
  const stored = async (workflowId: string) =>
    (await s.ctx.db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.workflowId, workflowId)))[0]!.n;

  it(`stores ${COPIES} simultaneous OSA copies once: one 202, the rest 409 naming it`, async () => {
    const e = makeEvent();
    const results = await Promise.all(Array.from({ length: COPIES }, () => postOsa(s.url, s.config.webhook.secrets[0]!, e)));
    expect(tally(results.map((r) => r.status))).toEqual({ 202: 1, 409: COPIES - 1 });
    const original = results.find((r) => r.status === 202)!.body.event_id;
    expect(results.every((r) => r.body.event_id === original)).toBe(true);
    expect(await stored(e.workflow_id)).toBe(1);
  });

  it(`stores ${COPIES} simultaneous Standard Webhooks copies once: one 202, the rest 200 duplicates`, async () => {
    const e = makeEvent();
    const results = await Promise.all(
      Array.from({ length: COPIES }, () => postStandard(s.url, s.config.webhook.secrets[0]!, e, { id: 'msg_same_delivery' })),
    );
    expect(tally(results.map((r) => r.status))).toEqual({ 200: COPIES - 1, 202: 1 });
    expect(results.filter((r) => r.status === 200).every((r) => r.body.duplicate === true)).toBe(true);
    expect(await stored(e.workflow_id)).toBe(1);
  });

  it('stores distinct events sent together each once, answering every one 202', async () => {
    const workflowId = `wf-burst-${Date.now()}`;
    const events = Array.from({ length: 150 }, (_, i) => makeEvent({ workflow_id: workflowId, offset: i }));
    const results = await Promise.all(events.map((e) => postOsa(s.url, s.config.webhook.secrets[0]!, e)));
    expect(tally(results.map((r) => r.status))).toEqual({ 202: 150 });
    expect(new Set(results.map((r) => r.body.event_id)).size).toBe(150);
    expect(await stored(workflowId)).toBe(150);
  });
});
