import { count, eq, sum } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventDuplicates, webhookEvents } from '../../db/schema';
import { forRequest } from '../../domain/access/request-context';
import { SEND_WORKFLOW_EVENT_PATH } from '../../domain/opal-tools/tool-paths';
import { appRouter } from '../../trpc/app-router';
import { createCallerFactory } from '../../trpc/trpc';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { type EventBody, makeEvent, postOsa, postStandard } from '../../test-support/webhook-client';

const createCaller = createCallerFactory(appRouter);

describe.each(testDrivers)('copies of a stored event, counted, on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(() => s?.stop());

  const trpc = () =>
    createCaller(forRequest(s.ctx, { correlationId: 'test-corr', sourceIp: '127.0.0.1', target: 'trpc test', identify: async () => ({ actor: { name: 'vera@example.test', role: 'viewer', via: 'session' } }) }));
  const secret = () => s.config.webhook.secrets[0]!;
  const rowsOf = async (workflowId: string) =>
    (await s.ctx.db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.workflowId, workflowId)))[0]!.n;
  const copiesCounted = async (eventId: string) =>
    Number(
      (await s.ctx.db.select({ n: sum(webhookEventDuplicates.copies) }).from(webhookEventDuplicates).where(eq(webhookEventDuplicates.eventId, eventId)))[0]!
        .n ?? 0,
    );
  /** The event as the REST events log answers it (parsed through the route's contract by the test setup). */
  const restEvent = async (e: EventBody) => {
    const res = await fetch(`${s.url}/api/diagnostics/last-webhook?workflow_id=${encodeURIComponent(e.workflow_id)}&limit=10`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: { id: string; duplicate_count: number; last_duplicate_at: string | null }[] };
    expect(body.events).toHaveLength(1);
    return body.events[0]!;
  };

  it('counts 4 OSA copies sent one at a time after the original: one row, 4 duplicates, the last copy’s time, on REST and tRPC', async () => {
    const e = makeEvent();
    const first = await postOsa(s.url, secret(), e);
    expect(first.status).toBe(202);
    const eventId = String(first.body.event_id);
    const before = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postOsa(s.url, secret(), e)).status);
    const after = Date.now();
    expect(statuses).toEqual([409, 409, 409, 409]);
    expect(await rowsOf(e.workflow_id)).toBe(1);
    expect(await copiesCounted(eventId)).toBe(4);

    const rest = await restEvent(e);
    expect(rest).toMatchObject({ id: eventId, duplicate_count: 4 });
    const last = Date.parse(rest.last_duplicate_at!);
    expect(last).toBeGreaterThanOrEqual(before - 1);
    expect(last).toBeLessThanOrEqual(after + 1);

    const detail = await trpc().events.get({ eventId });
    expect(detail).toMatchObject({ event_id: eventId, duplicate_count: 4, last_duplicate_at: rest.last_duplicate_at });
  });

  it('counts 50 simultaneous OSA copies: one 202, 49 409s, one row with 49 duplicates', async () => {
    const e = makeEvent();
    const results = await Promise.all(Array.from({ length: 50 }, () => postOsa(s.url, secret(), e)));
    expect(results.filter((r) => r.status === 202)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    const eventId = String(results.find((r) => r.status === 202)!.body.event_id);
    expect(await rowsOf(e.workflow_id)).toBe(1);
    expect(await copiesCounted(eventId)).toBe(49);
    expect((await trpc().events.get({ eventId })).duplicate_count).toBe(49);
  });

  it('counts Standard Webhooks redeliveries of one webhook-id, sequential and simultaneous', async () => {
    const e = makeEvent();
    const id = `msg_${e.workflow_id}`;
    const first = await postStandard(s.url, secret(), e, { id });
    expect(first.status).toBe(202);
    expect((await postStandard(s.url, secret(), e, { id })).body).toMatchObject({ duplicate: true });
    const together = await Promise.all(Array.from({ length: 10 }, () => postStandard(s.url, secret(), e, { id })));
    expect(together.every((r) => r.status === 200 && r.body.duplicate === true)).toBe(true);
    expect(await rowsOf(e.workflow_id)).toBe(1);
    expect(await restEvent(e)).toMatchObject({ id: first.body.event_id, duplicate_count: 11 });
  });

  it('counts a repeated Opal tool call, which answers 2xx, as a copy too', async () => {
    const e = makeEvent();
    const call = () =>
      fetch(`${s.url}${SEND_WORKFLOW_EVENT_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parameters: e }) });
    const statuses = [(await call()).status, (await call()).status, (await call()).status];
    expect(statuses.every((st) => st < 300)).toBe(true);
    expect(await rowsOf(e.workflow_id)).toBe(1);
    expect(await restEvent(e)).toMatchObject({ duplicate_count: 2 });
  });

  it('shows 0 copies and no last copy for an event received once', async () => {
    const e = makeEvent();
    const first = await postOsa(s.url, secret(), e);
    expect(await restEvent(e)).toMatchObject({ duplicate_count: 0, last_duplicate_at: null });
    expect(await trpc().events.get({ eventId: String(first.body.event_id) })).toMatchObject({ duplicate_count: 0, last_duplicate_at: null });
  });
});
