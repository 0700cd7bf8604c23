import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { tableCounts } from '../../test-support/table-counts';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa } from '../../test-support/webhook-client';

/**
 * Hostile text through every filter of every list/read route: REST query
 * strings and path ids, and the console's tRPC inputs. Every value must
 * reach PostgreSQL as a bound parameter (or be refused first), so an
 * attempt answers 400, 404 or a normal (filtered: empty) result — never a
 * 500, never slow (pg_sleep), and nothing in the database changes.
 */

const SLEEP_S = 20;
/** Generous on a shared, slow machine, and far below what a pg_sleep that ran would take. */
const BOUND_MS = 8_000;

const PAYLOADS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  "wf-alpha' OR '1'='1",
  "'; DROP TABLE webhook_events; --",
  '"; DROP TABLE workflows; --',
  "'); DELETE FROM users; --",
  "%' OR '1'='1",
  '%',
  '_',
  '\\',
  "\\'; DROP TABLE sessions; --",
  "' UNION SELECT id, password_hash, email, role, null, null FROM users --",
  '1 UNION SELECT NULL,NULL,NULL--',
  '\u0000',
  "wf-alpha\u0000' OR 1=1 --",
  '\u2019 OR 1=1 --', // right single quotation mark
  '\u02bc OR \u02bc1\u02bc=\u02bc1', // modifier letter apostrophe
  '\uff07; DROP TABLE alerts; --', // fullwidth apostrophe
  '\ud800', // a lone surrogate
  `1; select pg_sleep(${SLEEP_S})`,
  `'; select pg_sleep(${SLEEP_S}); --`,
  `' || (select pg_sleep(${SLEEP_S})) || '`,
  `1) OR pg_sleep(${SLEEP_S}) IS NULL --`,
  `$$; select pg_sleep(${SLEEP_S}); $$`,
  "E'\\x27 OR 1=1",
  "wf-alpha'::text OR true --",
  '*/ OR /*',
  '{"$gt":""}',
  '2024-01-15T00:00:00Z\' OR 1=1 --',
  '-1',
  '1e309',
  'NaN',
  'x'.repeat(5_000),
];

/** Dates a filter may be given that are well-formed text but odd instants. */
const ODD_DATES = ['0000-01-01', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00.000000001+14:00', '2024-02-30'];
/** Instants a hand-made cursor may carry: JavaScript's extremes lie outside PostgreSQL's range. */
const ODD_INSTANTS = ['-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '2024-01-15T00:00:00.000Z'];

// The cursor formats the server issues (server/domain/shared/cursor.ts, encodeEventCursor), filled with hostile values.
const sharedCursor = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
const eventCursor = (at: string, id: string) => Buffer.from(`${at}|${id}`).toString('base64url');

interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

interface Probe {
  name: string;
  call: () => Promise<Answer>;
  /** Where the list is in a 200 answer: it must be empty (the value matches nothing stored). */
  list?: (body: unknown) => unknown[];
}

async function timed(url: string, init?: RequestInit): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(BOUND_MS + 7_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Kept as text.
  }
  return { status: res.status, body, ms: performance.now() - started };
}

/** encodeURIComponent, except that a lone surrogate is sent as its (invalid) WTF-8 bytes instead of throwing. */
function enc(text: string): string {
  return [...text]
    .map((ch) => {
      const c = ch.charCodeAt(0);
      if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      return encodeURIComponent(ch);
    })
    .join('');
}

const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
const arr = (...path: string[]) => (body: unknown) => get(body, ...path) as unknown[];

// The server counts every HTTP request it answers into per-minute rollups (flushed when metrics are read): that is these requests being served, not data they changed.
const REQUEST_METRICS = 'http_request_rollups';


/** Runs the probes a few at a time and returns every violation, with what was sent. */
async function runAll(probes: Probe[]): Promise<{ tried: number; violations: string[]; slowest: number }> {
  const violations: string[] = [];
  let next = 0;
  let slowest = 0;
  const worker = async () => {
    while (next < probes.length) {
      const p = probes[next++]!;
      const a = await p.call();
      slowest = Math.max(slowest, a.ms);
      const show = `${p.name}: ${a.status} ${JSON.stringify(a.body).slice(0, 160)}`;
      if (![200, 400, 404].includes(a.status)) violations.push(show);
      else if (a.ms > BOUND_MS) violations.push(`${show} (took ${Math.round(a.ms)} ms)`);
      else if (a.status === 200 && p.list) {
        const list = p.list(a.body);
        if (!Array.isArray(list) || list.length > 0) violations.push(`${show} (expected an empty list)`);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { tried: probes.length, violations, slowest };
}

describe.each(testDrivers)('SQL injection through every filter on %s', (driver) => {
  let s: TestServer;
  let before: Record<string, number>;

  const rest = (path: string) => timed(`${s.url}${path}`);
  const trpc = (proc: string, input: unknown) => timed(`${s.url}/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(input))}`);
  const trpcData = (...path: string[]) => arr('result', 'data', ...path);

  beforeAll(async () => {
    s = await startTestServer(driver);
    const secret = s.config.webhook.secrets[0]!;
    // Real rows in every table a filter reads, so that "empty" means filtered, not "no data".
    const events = [
      makeEvent({ workflow_id: 'wf-alpha', offset: 0 }),
      makeEvent({ workflow_id: 'wf-alpha', event_type: 'agent.failed', agent_id: 'geo_audit', offset: 1, execution_status: 'failure' }),
      makeEvent({ workflow_id: 'wf-alpha', event_type: 'agent.completed', agent_id: 'content_review', offset: 2, agent_data: { score: 3 } }),
      makeEvent({ workflow_id: 'wf-beta', offset: 0 }),
      makeEvent({ workflow_id: 'wf-beta', event_type: 'workflow.completed', offset: 1 }),
    ];
    for (const e of events) expect((await postOsa(s.url, secret, e)).status).toBe(202);
    expect((await postOsa(s.url, `whsec_${Buffer.alloc(32, 7).toString('base64')}`, makeEvent())).status).toBe(401);
    const sync = await timed(`${s.url}/api/opal/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(sync.status).toBe(200);
    // The simulator's callbacks arrive on their own: wait for them, so they cannot count as a change.
    const syncId = String(get(sync.body, 'sync_id'));
    const until = Date.now() + 20_000;
    while (get((await rest(`/api/opal/sync/${syncId}`)).body, 'status') !== 'completed') {
      if (Date.now() > until) throw new Error('the simulated force sync did not complete within 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await s.ctx.db.insert(schema.auditLog).values({ id: crypto.randomUUID(), at: new Date(), actor: 'seed', action: 'seed.row', outcome: 'success' });
    before = await tableCounts(s, { except: [REQUEST_METRICS] });
    for (const [table, n] of Object.entries(before)) {
      if (['webhook_events', 'webhook_rejections', 'workflows', 'agent_runs', 'sync_requests', 'audit_log'].includes(table)) expect(n, table).toBeGreaterThan(0);
    }
  });
  afterAll(() => s?.stop());

  it('finds the seeded rows through the same filters with honest values (the control)', async () => {
    const diag = await rest('/api/diagnostics/last-webhook?workflow_id=wf-alpha');
    expect(arr('events')(diag.body)).toHaveLength(3);
    expect(arr('events')((await rest('/api/diagnostics/last-webhook?workflow_id=wf-alpha&agent_id=geo_audit')).body)).toHaveLength(1);
    expect(arr('events')((await rest(`/api/diagnostics/last-webhook?q=${encodeURIComponent('{"agent_data":{"score":3}}')}`)).body)).toHaveLength(1);
    expect(trpcData('events')((await trpc('diagnostics.events', { q: { workflow_id: 'wf-beta' } })).body)).toHaveLength(2);
    expect(trpcData('workflows')((await trpc('workflows.list', { search: 'alpha' })).body)).toHaveLength(1);
    expect(trpcData('rejections')((await trpc('diagnostics.rejections', { reason: 'invalid_signature' })).body)).toHaveLength(1);
    expect(trpcData('entries')((await trpc('audit.list', { action: 'seed.row' })).body)).toHaveLength(1);
    expect((await trpc('workflows.get', { workflowId: 'wf-alpha' })).status).toBe(200);
  });

  it('REST: query parameters and path ids answer 400/404 or an empty page, never 500, never slow, and change nothing', async () => {
    const probes: Probe[] = [];
    const diag = (query: string, list = true): Probe => ({
      name: `GET last-webhook?${query.slice(0, 80)}`,
      call: () => rest(`/api/diagnostics/last-webhook?${query}`),
      ...(list ? { list: arr('events') } : {}),
    });
    for (const p of [...PAYLOADS, ...ODD_DATES]) {
      const v = enc(p);
      probes.push(diag(`workflow_id=${v}`), diag(`agent_id=${v}`), diag(`workflow_id=wf-alpha&agent_id=${v}`));
      probes.push(diag(`status=${v}`), diag(`event_type=${v}`), diag(`limit=${v}`), diag(`cursor=${v}`), diag(`${v}=1`));
      probes.push(diag(`start_date=${v}`, false), diag(`end_date=${v}`, false));
      probes.push(diag(`q=${v}`));
      probes.push(diag(`q=${enc(JSON.stringify({ workflow_id: p }))}`));
      probes.push(diag(`q=${enc(JSON.stringify({ [p]: 'x' }))}`));
      probes.push(diag(`q=${enc(JSON.stringify({ agent_data: { score: p } }))}`));
      probes.push({ name: `GET /api/metrics?range=${p.slice(0, 40)}`, call: () => rest(`/api/metrics?range=${v}`) });
      probes.push({ name: `GET /api/metrics custom from=${p.slice(0, 40)}`, call: () => rest(`/api/metrics?range=custom&from=${v}&to=2024-01-02T00:00:00Z`) });
      probes.push({ name: `GET /api/metrics custom to=${p.slice(0, 40)}`, call: () => rest(`/api/metrics?range=custom&from=2024-01-01T00:00:00Z&to=${v}`) });
      probes.push({ name: `GET /api/alerts?status=${p.slice(0, 40)}`, call: () => rest(`/api/alerts?status=${v}`) });
      probes.push({ name: `GET /api/alerts?limit=${p.slice(0, 40)}`, call: () => rest(`/api/alerts?limit=${v}`) });
      probes.push({ name: `GET replay history ?limit=${p.slice(0, 40)}`, call: () => rest(`/api/orchestrations/replay?limit=${v}`) });
      probes.push({ name: `GET /api/opal/sync/${p.slice(0, 40)}`, call: () => rest(`/api/opal/sync/${v}`) });
      probes.push({
        name: `POST replay (dry run) workflow_id=${p.slice(0, 40)}`,
        call: () =>
          timed(`${s.url}/api/orchestrations/replay`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ workflow_id: p, dry_run: true }),
          }),
      });
    }
    // Bulk replay's date filters: every one of these is refused (a dry run that went ahead would leave a replay row).
    for (const p of [...PAYLOADS, '0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00']) {
      for (const field of ['start_date', 'end_date']) {
        probes.push({
          name: `POST bulk replay (dry run) ${field}=${p.slice(0, 40)}`,
          call: () =>
            timed(`${s.url}/api/orchestrations/replay/bulk`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ filter: { status: 'any', [field]: p }, dry_run: true }),
            }),
        });
      }
    }
    // A custom range short enough to pass the 31-day rule, across the year PostgreSQL does not have.
    probes.push({ name: 'GET /api/metrics across year 0', call: () => rest('/api/metrics?range=custom&from=0000-12-31T00:00:00Z&to=0001-01-02T00:00:00Z') });
    probes.push(diag('start_date=0001-01-01T00:00:00%2B14:00', false), diag('end_date=0001-01-01T00:00:00%2B01:00&start_date=0000-12-31', false));
    for (const at of ODD_INSTANTS) {
      for (const id of ["' OR 1=1 --", '00000000-0000-0000-0000-000000000000']) {
        probes.push(diag(`cursor=${eventCursor(at.replace(/\.000Z$/, '.000000Z'), id)}`, false));
      }
    }
    const { tried, violations, slowest } = await runAll(probes);
    expect(violations).toEqual([]);
    expect(tried).toBeGreaterThan(500);
    expect(slowest).toBeLessThan(BOUND_MS);
    expect(await tableCounts(s, { except: [REQUEST_METRICS] })).toEqual(before);
  }, 90_000);

  it("tRPC: the console's inputs (events q, ids, dates, statuses, cursors) answer 400/404 or an empty list, never 500, and change nothing", async () => {
    const probes: Probe[] = [];
    const q = (proc: string, input: unknown, list?: (b: unknown) => unknown[]): Probe => ({
      name: `${proc} ${JSON.stringify(input).slice(0, 90)}`,
      call: () => trpc(proc, input),
      ...(list ? { list } : {}),
    });
    const events = trpcData('events');
    for (const p of [...PAYLOADS, ...ODD_DATES]) {
      probes.push(
        q('diagnostics.events', { workflow_id: p }, events),
        q('diagnostics.events', { agent_id: p }, events),
        q('diagnostics.events', { q: { workflow_id: p } }, events),
        q('diagnostics.events', { q: { [p]: 1 } }, events),
        q('diagnostics.events', { q: { agent_data: { score: p } } }, events),
        q('diagnostics.events', { q: p }, events),
        q('diagnostics.events', { status: p }),
        q('diagnostics.events', { event_type: p }),
        q('diagnostics.events', { start_date: p }),
        q('diagnostics.events', { end_date: p }),
        q('diagnostics.events', { cursor: p }),
        q('diagnostics.rejections', { reason: p }, trpcData('rejections')),
        q('diagnostics.rejections', { start_date: p }),
        q('diagnostics.rejections', { end_date: p }),
        q('diagnostics.rejections', { cursor: p }),
        q('diagnostics.rejections', { cursor: sharedCursor('2099-01-01T00:00:00.000Z', p) }),
        q('workflows.list', { search: p }, trpcData('workflows')),
        q('workflows.list', { status: p }),
        q('workflows.list', { cursor: p }),
        q('workflows.list', { cursor: sharedCursor('2099-01-01T00:00:00.000Z', p) }),
        q('workflows.get', { workflowId: p }),
        q('events.get', { eventId: p }),
        q('forceSync.status', { syncId: p }),
        q('alerts.list', { status: p }),
        q('alerts.list', { limit: p }),
        q('replay.list', { limit: p }),
        q('audit.list', { action: p }, trpcData('entries')),
        q('audit.list', { cursor: p }),
        q('audit.list', { cursor: sharedCursor('2099-01-01T00:00:00.000Z', p) }),
        q('metrics.overview', { range: p }),
        q('metrics.overview', { range: 'custom', from: p, to: '2024-01-02T00:00:00Z' }),
      );
    }
    probes.push(q('metrics.overview', { range: 'custom', from: '0000-12-31T00:00:00Z', to: '0001-01-02T00:00:00Z' }));
    probes.push(q('diagnostics.rejections', { start_date: '0001-01-01T00:00:00+14:00' }), q('diagnostics.events', { end_date: '0001-01-01T00:00:00+01:00' }));
    for (const at of ODD_INSTANTS) {
      for (const proc of ['diagnostics.rejections', 'workflows.list', 'audit.list']) {
        probes.push(q(proc, { cursor: sharedCursor(at, 'wf-alpha') }), q(proc, { cursor: sharedCursor(at, '00000000-0000-0000-0000-000000000000') }));
      }
      probes.push(q('diagnostics.events', { cursor: eventCursor(at.replace(/\.000Z$/, '.000000Z'), '00000000-0000-0000-0000-000000000000') }));
    }
    const { tried, violations, slowest } = await runAll(probes);
    expect(violations).toEqual([]);
    expect(tried).toBeGreaterThan(1_000);
    expect(slowest).toBeLessThan(BOUND_MS);
    expect(await tableCounts(s, { except: [REQUEST_METRICS] })).toEqual(before);
  }, 90_000);
});
