import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentRuns, auditLog, webhookEvents, webhookRejections, workflows } from '../../db/schema';
import { sweepTimedOutWorkflows } from '../../domain/workflows/sweep-timed-out-workflows';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { type EventBody, makeEvent, postOsa } from '../../test-support/webhook-client';

interface Json {
  [k: string]: unknown;
}
interface EventJson {
  id: string;
  workflow_id: string;
  status: string;
  failure_kind: string | null;
  error_message: string | null;
  [k: string]: unknown;
}
interface Health {
  webhook_status: string;
  recent_failure_rate: number;
  avg_processing_time: number | null;
  p50_processing_time: number | null;
  p95_processing_time: number | null;
  p99_processing_time: number | null;
  window: Json;
  events: Json;
  refused_deliveries: { count: number; by_reason: Record<string, number>; last_reason: string | null; last_at: string | null };
  thresholds: Json;
}
interface Page {
  success: boolean;
  events: EventJson[];
  pagination: { limit: number; next_cursor: string | null; has_more: boolean };
  system_health: Health;
  details?: { field_errors: { path: string; message: string }[] };
  message?: string;
}

const PATH = '/api/diagnostics/last-webhook';
const WRONG_SECRET = 'not-the-configured-secret-not-the-configured-secret';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

async function getPage(url: string, query: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${PATH}?${new URLSearchParams(query).toString()}`, { headers });
  return { status: res.status, body: (await res.json()) as Page };
}

/** As the runbook's curl sends it: `-d` without a content type is application/x-www-form-urlencoded. */
async function postAction(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const fieldsOf = (b: { details?: unknown }) => ((b.details as Page['details'])?.field_errors ?? []).map((f) => f.path);

/** A server whose clock the test moves, so events and refusals can be stored "at" any time. */
async function startClocked(driver: Parameters<typeof startTestServer>[0], overrides: Parameters<typeof startTestServer>[1] = {}) {
  const clock = { now: Date.now() };
  const s = await startTestServer(driver, overrides, { now: () => clock.now });
  const secret = s.config.webhook.secrets[0]!;
  const send = async (event: Partial<EventBody>) => {
    const r = await postOsa(s.url, secret, makeEvent({ timestamp: iso(clock.now), ...event }), { timestampMs: clock.now });
    expect(r.status).toBe(202);
    return String(r.body.event_id);
  };
  const refuse = async () => {
    const r = await postOsa(s.url, WRONG_SECRET, makeEvent(), { timestampMs: clock.now });
    expect(r.status).toBe(401);
  };
  return { s, clock, send, refuse };
}

describe.each(testDrivers)('GET /api/diagnostics/last-webhook: events on %s', (driver) => {
  let s: TestServer;
  let clock: { now: number };
  let send: (e: Partial<EventBody>) => Promise<string>;
  const id: Record<string, string> = {};
  const T0 = Date.now() - 30 * MINUTE;

  beforeAll(async () => {
    ({ s, clock, send } = await startClocked(driver));
    const events: [string, Partial<EventBody>][] = [
      ['e1', { workflow_id: 'wf-one', event_type: 'workflow.started', offset: 0 }],
      ['e2', { workflow_id: 'wf-one', event_type: 'agent.started', agent_id: 'content_review', offset: 1 }],
      ['e3', { workflow_id: 'wf-one', event_type: 'agent.completed', agent_id: 'content_review', offset: 2, agent_data: { score: 3 } }],
      ['e4', { workflow_id: 'wf-one', event_type: 'agent.failed', agent_id: 'geo_audit', offset: 3, agent_data: { error: 'Data source unreachable' } }],
      ['e5', { workflow_id: 'wf-two', event_type: 'workflow.started', offset: 0 }],
      ['e6', { workflow_id: 'wf-two', event_type: 'agent.completed', agent_id: 'audience_suggester', offset: 1, agent_data: { score: 5 } }],
      ['e7', { workflow_id: 'wf-two', event_type: 'agent.completed', agent_id: 'cmp_organizer', offset: 2 }],
    ];
    for (const [i, [name, body]] of events.entries()) {
      clock.now = T0 + (i + 1) * 1000;
      id[name] = await send(body);
    }
    await s.settle();
    // What the projection worker writes when it cannot apply an event.
    await s.ctx.db
      .update(webhookEvents)
      .set({ processingStatus: 'failed', processingError: 'projection update failed: boom' })
      .where(eq(webhookEvents.id, id.e7!));
    clock.now = T0 + 10_000;
  });
  afterAll(() => s?.stop());

  const ids = (p: Page) => p.events.map((e) => e.id);
  const named = (...names: string[]) => names.map((n) => id[n]);

  it('lists every event newest first with the fields the runbook reads, never the payload', async () => {
    const r = await getPage(s.url);
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    expect(ids(r.body)).toEqual(named('e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1'));
    const e3 = r.body.events.find((e) => e.id === id.e3)!;
    expect(Object.keys(e3).sort()).toEqual(
      [
        'agent_id', 'correlation_id', 'duplicate_count', 'error_message', 'event_type', 'failure_kind', 'id', 'offset', 'outcome', 'payload_size',
        'processed_at', 'processing_status', 'processing_time_ms', 'received_at', 'signature_scheme', 'status', 'workflow_id', 'last_duplicate_at',
      ].sort(),
    );
    expect(e3).toMatchObject({
      event_type: 'agent.completed',
      workflow_id: 'wf-one',
      agent_id: 'content_review',
      status: 'success',
      signature_scheme: 'osa',
      received_at: iso(T0 + 3000),
      processing_time_ms: expect.any(Number),
      error_message: null,
      payload_size: expect.any(Number),
    });
    expect(r.body.pagination).toEqual({ limit: 25, next_cursor: null, has_more: false });
    expect(typeof r.body.system_health.avg_processing_time).toBe('number');
  });

  it('status=failed lists both kinds of failure, each with an error_message saying which and why', async () => {
    const r = await getPage(s.url, { status: 'failed', limit: '10' });
    expect(ids(r.body)).toEqual(named('e7', 'e4'));
    expect(r.body.events.map((e) => [e.failure_kind, e.error_message])).toEqual([
      ['processing', 'processing failed: projection update failed: boom'],
      ['reported', 'Opal reported agent.failed: Data source unreachable'],
    ]);
  });

  it('status=success lists processed events that report no failure', async () => {
    const r = await getPage(s.url, { status: 'success' });
    expect(ids(r.body)).toEqual(named('e6', 'e5', 'e3', 'e2', 'e1'));
    expect(r.body.events.every((e) => e.status === 'success' && e.error_message === null)).toBe(true);
  });

  it.each([
    ['workflow_id', { workflow_id: 'wf-two' }, ['e7', 'e6', 'e5']],
    ['agent_id', { agent_id: 'content_review' }, ['e3', 'e2']],
    ['event_type', { event_type: 'agent.completed' }, ['e7', 'e6', 'e3']],
    ['start_date and end_date', { start_date: iso(T0 + 2000), end_date: iso(T0 + 4000) }, ['e4', 'e3', 'e2']],
    ['start_date alone', { start_date: iso(T0 + 6000) }, ['e7', 'e6']],
    ['q (JSON containment)', { q: '{"agent_data":{"score":3}}' }, ['e3']],
    ['q on a top-level field', { q: '{"workflow_id":"wf-two","offset":1}' }, ['e6']],
    ['status and workflow_id together', { status: 'failed', workflow_id: 'wf-one' }, ['e4']],
    ['a workflow nobody sent', { workflow_id: 'wf-none' }, []],
  ])('filters by %s', async (_name, query, expected) => {
    const r = await getPage(s.url, query);
    expect(r.status).toBe(200);
    expect(ids(r.body)).toEqual(named(...expected));
  });

  it('uses the requested range as the health window', async () => {
    const r = await getPage(s.url, { start_date: iso(T0), end_date: iso(T0 + 5000) });
    expect(r.body.system_health.window).toMatchObject({ basis: 'requested_range', from: iso(T0), to: iso(T0 + 5000), events_considered: 5 });
    const d = await getPage(s.url);
    expect(d.body.system_health.window).toMatchObject({ basis: 'last_hour', from: iso(clock.now - HOUR), to: iso(clock.now) });
  });

  it.each([
    ['limit', { limit: '0' }],
    ['limit', { limit: '501' }],
    ['limit', { limit: 'all' }],
    ['status', { status: 'broken' }],
    ['start_date', { start_date: 'last tuesday' }],
    ['end_date', { end_date: '2024-13-01T00:00:00Z' }],
    ['end_date', { start_date: '2024-01-16T00:00:00Z', end_date: '2024-01-15T00:00:00Z' }],
    ['q', { q: '{"agent_data":' }],
    ['q', { q: '[{"score":3}]' }],
    ['cursor', { cursor: 'not-a-cursor' }],
    ['statu', { statu: 'failed' }],
  ])('refuses a bad %s with 400 naming it', async (field, query) => {
    const r = await getPage(s.url, query);
    expect(r.status).toBe(400);
    expect(r.body.success).toBe(false);
    expect(fieldsOf(r.body)).toContain(field);
  });

  it.each([
    ['workflow_id', { workflow_id: "' OR '1'='1" }, 200],
    ['agent_id', { agent_id: "x'); DROP TABLE webhook_events; --" }, 200],
    ['q', { q: '{"workflow_id":"x\' OR 1=1 --"}' }, 200],
    ['q', { q: "{}'::jsonb or true --" }, 400],
    ['event_type', { event_type: "agent.failed' OR '1'='1" }, 400],
    ['status', { status: "failed' OR '1'='1" }, 400],
    ['start_date', { start_date: "2024-01-01'; DELETE FROM webhook_events; --" }, 400],
    ['end_date', { end_date: "2024-01-01T00:00:00Z' OR 1=1 --" }, 400],
    ['limit', { limit: '10; DROP TABLE webhook_events' }, 400],
    ['cursor', { cursor: btoa("2026-01-01T00:00:00.000000Z|' OR 1=1 --") }, 400],
  ])('an injection attempt through %s changes nothing (%i)', async (_field, query, status) => {
    const r = await getPage(s.url, query);
    expect(r.status).toBe(status);
    if (status === 200) expect(r.body.events).toEqual([]);
    const [n] = await s.ctx.db.select({ n: count() }).from(webhookEvents);
    expect(n!.n).toBeGreaterThanOrEqual(7);
  });

  it('pages through with the cursor: no duplicates, no gaps, stable while events arrive', async () => {
    const all = ids((await getPage(s.url, { workflow_id: 'wf-one' })).body);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { body: Page } = await getPage(s.url, { workflow_id: 'wf-one', limit: '3', ...(cursor ? { cursor } : {}) });
      seen.push(...ids(r.body));
      cursor = r.body.pagination.next_cursor;
      expect(r.body.pagination.has_more).toBe(cursor !== null);
      if (pages++ === 0) {
        // A newer event arriving mid-way lands before the first page, never inside the ones to come.
        clock.now += 1000;
        await send({ workflow_id: 'wf-one', event_type: 'workflow.completed', offset: 4 });
      }
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(all);
  });

  it('pages through events received at the same instant, ordered by id', async () => {
    clock.now += 1000;
    const tied = [];
    for (let i = 0; i < 5; i++) tied.push(await send({ workflow_id: 'wf-tied', event_type: 'agent.started', agent_id: `agent_${i}`, offset: i }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: Page } = await getPage(s.url, { workflow_id: 'wf-tied', limit: '2', ...(cursor ? { cursor } : {}) });
      seen.push(...ids(r.body));
      cursor = r.body.pagination.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(tied));
    expect([...seen]).toEqual([...seen].sort().reverse());
  });
});

describe.each(testDrivers)('GET /api/diagnostics/last-webhook: system_health on %s', (driver) => {
  let s: TestServer;
  let c: Awaited<ReturnType<typeof startClocked>>;
  const T0 = Date.now();
  const hour = (n: number) => T0 - n * HOUR;
  const health = async (from: number) =>
    (await getPage(s.url, { start_date: iso(from), end_date: iso(from + 59 * MINUTE), limit: '1' })).body.system_health;

  beforeAll(async () => {
    c = await startClocked(driver);
    s = c.s;
    // Five hours ago: 20 good events, processing times 10, 20, …, 200 ms.
    const good: string[] = [];
    for (let i = 0; i < 20; i++) {
      c.clock.now = hour(5) + i * 1000;
      good.push(await c.send({ workflow_id: `wf-h5-${i}` }));
    }
    // Four hours ago: 20 events, 2 that we failed to process, 3 failures Opal reported.
    const h4: string[] = [];
    for (let i = 0; i < 20; i++) {
      c.clock.now = hour(4) + i * 1000;
      h4.push(
        await c.send(
          i < 3
            ? { workflow_id: `wf-h4-${i}`, event_type: 'agent.failed', agent_id: 'geo_audit', offset: 1, agent_data: { error: 'boom' } }
            : { workflow_id: `wf-h4-${i}` },
        ),
      );
    }
    // Three hours ago: 10 good events and 5 deliveries signed with a wrong secret.
    for (let i = 0; i < 10; i++) {
      c.clock.now = hour(3) + i * 1000;
      await c.send({ workflow_id: `wf-h3-${i}` });
    }
    for (let i = 0; i < 5; i++) {
      c.clock.now = hour(3) + 20_000 + i * 1000;
      await c.refuse();
    }
    await s.settle();
    for (const [i, eventId] of good.entries()) {
      await s.ctx.db.update(webhookEvents).set({ processingMs: (i + 1) * 10 }).where(eq(webhookEvents.id, eventId));
    }
    await s.ctx.db
      .update(webhookEvents)
      .set({ processingStatus: 'failed', processingError: 'projection update failed: boom', processingMs: null })
      .where(inArray(webhookEvents.id, h4.slice(10, 12)));
    // Now: one good event and one refused delivery in the last hour.
    c.clock.now = T0;
    await c.send({ workflow_id: 'wf-now' });
    await c.refuse();
    await s.settle();
    await s.ctx.rejections.flush();
  });
  afterAll(() => s?.stop());

  it('is healthy with no failures, with the average and P50/P95/P99 processing times', async () => {
    expect(await health(hour(5))).toMatchObject({
      webhook_status: 'healthy',
      recent_failure_rate: 0,
      avg_processing_time: 105,
      p50_processing_time: 105,
      p95_processing_time: 190.5,
      p99_processing_time: 198.1,
      events: { received: 20, processing_failures: 0, pending: 0, reported_failures: 0 },
      refused_deliveries: { count: 0, last_reason: null },
    });
  });

  it('is degraded at 10 % processing failures; failures Opal reported are shown but not counted', async () => {
    expect(await health(hour(4))).toMatchObject({
      webhook_status: 'degraded',
      recent_failure_rate: 10,
      events: { received: 20, processing_failures: 2, reported_failures: 3 },
    });
  });

  it('is unhealthy when a third of deliveries are refused, and a wrong secret shows up as refused deliveries', async () => {
    expect(await health(hour(3))).toMatchObject({
      webhook_status: 'unhealthy',
      recent_failure_rate: 33.33,
      refused_deliveries: { count: 5, by_reason: { invalid_signature: 5 }, last_reason: 'invalid_signature', last_at: iso(hour(3) + 24_000) },
    });
  });

  it('says no_data for a window without deliveries', async () => {
    expect(await health(hour(2))).toMatchObject({
      webhook_status: 'no_data',
      recent_failure_rate: 0,
      avg_processing_time: null,
      p95_processing_time: null,
      refused_deliveries: { count: 0 },
    });
  });

  it('covers the last hour by default and documents its thresholds', async () => {
    const h = (await getPage(s.url)).body.system_health;
    expect(h).toMatchObject({
      webhook_status: 'unhealthy',
      recent_failure_rate: 50,
      avg_processing_time: expect.any(Number),
      window: { basis: 'last_hour', events_considered: 1, sampled: false },
      refused_deliveries: { count: 1, last_reason: 'invalid_signature' },
      thresholds: { degraded_failure_rate: 5, unhealthy_failure_rate: 20, rule: expect.stringContaining('refused deliveries') },
      last_event_at: iso(T0),
    });
  });
});

describe.each(testDrivers)('POST /api/diagnostics/last-webhook on %s', (driver) => {
  let s: TestServer;
  let c: Awaited<ReturnType<typeof startClocked>>;
  const NOW = Date.now();
  const OLD = NOW - 40 * DAY;

  const counts = async () => {
    const [ev] = await s.ctx.db.select({ n: count() }).from(webhookEvents);
    const [rej] = await s.ctx.db.select({ n: count() }).from(webhookRejections);
    const [wf] = await s.ctx.db.select({ n: count() }).from(workflows);
    return { events: ev!.n, rejections: rej!.n, workflows: wf!.n };
  };
  const eventsOf = async (workflowId: string) =>
    (await s.ctx.db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.workflowId, workflowId)))[0]!.n;

  beforeAll(async () => {
    c = await startClocked(driver);
    s = c.s;
    c.clock.now = OLD;
    await c.send({ workflow_id: 'wf-done', event_type: 'workflow.started', offset: 0 });
    await c.send({ workflow_id: 'wf-done', event_type: 'agent.started', agent_id: 'content_review', offset: 1 });
    await c.send({ workflow_id: 'wf-done', event_type: 'agent.completed', agent_id: 'content_review', offset: 2 });
    await c.send({ workflow_id: 'wf-done', event_type: 'workflow.completed', offset: 3 });
    await c.send({ workflow_id: 'wf-running', event_type: 'workflow.started', offset: 0 });
    await c.send({ workflow_id: 'wf-stale', event_type: 'workflow.started', offset: 0 });
    await c.refuse();
    await c.refuse();
    await s.settle();
    // Still running: its last event came ten minutes ago.
    c.clock.now = NOW - 10 * MINUTE;
    await c.send({ workflow_id: 'wf-running', event_type: 'agent.started', agent_id: 'geo_audit', offset: 1 });
    await s.settle();
    c.clock.now = NOW;
    await sweepTimedOutWorkflows(s.ctx.db, { now: new Date(NOW), timeoutMin: s.config.opal.workflowTimeoutMin });
    await c.refuse();
    await s.ctx.rejections.flush();
  });
  afterAll(() => s?.stop());

  it("runs test_configuration from the runbook's curl (no JSON content type): each check and a live database round trip", async () => {
    const r = await postAction(s.url, '{"action": "test_configuration"}');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      action: 'test_configuration',
      status: 'ok',
      database: { reachable: true, driver, latency_ms: expect.any(Number) },
      opal: { mode: 'simulator', circuit: { state: 'closed' } },
    });
    expect((r.body.checks as Json[]).map((x) => x.name)).toEqual(expect.arrayContaining(['database', 'opal']));
    await s.ctx.audit.flush();
    const [entry] = await s.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'diagnostics.test_configuration'));
    expect(entry).toMatchObject({ actor: 'anonymous', outcome: 'success' });
  });

  it('reports a database that does not answer as a failed check, not as an error', async () => {
    const ping = s.ctx.database.ping;
    s.ctx.database.ping = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    try {
      const r = await postAction(s.url, '{"action":"test_configuration"}', { 'content-type': 'application/json' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'failed', database: { reachable: false, error: 'the database could not be reached' } });
      expect(JSON.stringify(r.body)).not.toContain('10.0.0.1');
    } finally {
      s.ctx.database.ping = ping;
    }
  });

  it.each([
    ['an unknown action', '{"action":"drop_everything"}', 'action'],
    ['no action', '{}', 'action'],
    ['an empty body', '', 'action'],
    ['a form body', 'action=cleanup_old_events&retention_days=1', '(body)'],
    ['retention_days 0', '{"action":"cleanup_old_events","retention_days":0}', 'retention_days'],
    ['retention_days -5', '{"action":"cleanup_old_events","retention_days":-5}', 'retention_days'],
    ['retention_days 1.5', '{"action":"cleanup_old_events","retention_days":1.5}', 'retention_days'],
    ['retention_days as text', '{"action":"cleanup_old_events","retention_days":"30"}', 'retention_days'],
    ['an injection in retention_days', '{"action":"cleanup_old_events","retention_days":"1; DELETE FROM webhook_events"}', 'retention_days'],
    ['an unknown field', '{"action":"cleanup_old_events","retention_days":30,"where":"1=1"}', 'where'],
  ])('refuses %s with 400 naming the field, and deletes nothing', async (_name, body, field) => {
    const before = await counts();
    const r = await postAction(s.url, body);
    expect(r.status).toBe(400);
    expect(r.body.success).toBe(false);
    expect(fieldsOf(r.body)).toContain(field);
    if (field === 'action' && body.includes('drop')) {
      expect(JSON.stringify(r.body)).toContain('test_configuration, cleanup_old_events');
    }
    expect(await counts()).toEqual(before);
  });

  it("cleans up from the runbook's curl: finished old workflows go whole, a running one stays whole, old refusals go", async () => {
    expect(await eventsOf('wf-done')).toBe(4);
    const r = await postAction(s.url, '{"action": "cleanup_old_events", "retention_days": 30}');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      action: 'cleanup_old_events',
      deleted_events: 5,
      deleted_rejections: 2,
      deleted_workflows: 2,
      batches: 2,
      retention_days: 30,
      cutoff: iso(NOW - 30 * DAY),
    });
    expect(await eventsOf('wf-done')).toBe(0);
    expect(await eventsOf('wf-stale')).toBe(0);
    expect(await eventsOf('wf-running')).toBe(2);
    const left = await s.ctx.db.select({ id: workflows.workflowId, status: workflows.status }).from(workflows);
    expect(left).toEqual([{ id: 'wf-running', status: 'running' }]);
    expect(await s.ctx.db.select({ a: agentRuns.agentId }).from(agentRuns).where(eq(agentRuns.workflowId, 'wf-done'))).toEqual([]);
    expect((await counts()).rejections).toBe(1);

    await s.ctx.audit.flush();
    const [entry] = await s.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'retention.cleanup'));
    expect(entry).toMatchObject({
      actor: 'anonymous',
      outcome: 'success',
      details: { deleted_events: 5, deleted_rejections: 2, deleted_workflows: 2, retention_days: 30, trigger: 'request' },
    });
    expect(entry!.correlationId).toEqual(expect.any(String));

    // The running workflow's whole log is still there to page through.
    const page = await getPage(s.url, { workflow_id: 'wf-running' });
    expect(page.body.events.map((e) => e.workflow_id)).toEqual(['wf-running', 'wf-running']);

    const again = await postAction(s.url, '{"action":"cleanup_old_events","retention_days":30}');
    expect(again.body).toMatchObject({ deleted_events: 0, deleted_rejections: 0, deleted_workflows: 0, batches: 0 });
  });
});

describe.each(testDrivers)('diagnostics access with API keys on %s', (driver) => {
  let s: TestServer;
  const keys = {
    viewer: 'viewer-key-0123456789abcdef0123456789abcdef',
    operator: 'operator-key-0123456789abcdef0123456789abcd',
    admin: 'admin-key-0123456789abcdef0123456789abcdef0',
  };
  const as = (role: keyof typeof keys) => ({ authorization: `Bearer ${keys[role]}` });
  beforeAll(async () => {
    s = await startTestServer(driver, {
      apiKeys: [
        { name: 'dashboards', role: 'viewer', key: keys.viewer },
        { name: 'ops', role: 'operator', key: keys.operator },
        { name: 'root', role: 'admin', key: keys.admin },
      ],
    });
  });
  afterAll(() => s?.stop());

  it('reads with a viewer key, and refuses without one', async () => {
    expect((await getPage(s.url)).status).toBe(401);
    expect((await getPage(s.url, {}, as('viewer'))).status).toBe(200);
  });

  it('lets an operator test the configuration but not clean up; an admin may', async () => {
    const test = '{"action":"test_configuration"}';
    const cleanup = '{"action":"cleanup_old_events","retention_days":30}';
    expect((await postAction(s.url, test)).status).toBe(401);
    expect((await postAction(s.url, test, as('viewer'))).status).toBe(403);
    expect((await postAction(s.url, test, as('operator'))).status).toBe(200);
    const refused = await postAction(s.url, cleanup, as('operator'));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/cleanup_old_events needs admin/);
    const ok = await postAction(s.url, cleanup, as('admin'));
    expect(ok.status).toBe(200);
    await s.ctx.audit.flush();
    const entries = await s.ctx.db.select({ actor: auditLog.actor, action: auditLog.action, outcome: auditLog.outcome }).from(auditLog);
    expect(entries).toEqual(
      expect.arrayContaining([
        { actor: 'ops', action: 'auth.forbidden', outcome: 'failure' },
        { actor: 'root', action: 'retention.cleanup', outcome: 'success' },
      ]),
    );
  });
});
