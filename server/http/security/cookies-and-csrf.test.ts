import { request } from 'node:http';
import { eq, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa } from '../../test-support/webhook-client';

const ADMIN = { email: 'ada@acme.test', password: 'a-long-admin-password' };
const CLIENT_KEY = 'csrf-test-client-key-000000000000000000';
const DAY = 86_400_000;

/** Every row of every table, as text: "changes nothing" is checked on contents, not only counts. */
async function snapshot(s: TestServer): Promise<Record<string, string[]>> {
  await s.settle();
  await s.ctx.audit.flush();
  await s.ctx.rejections.flush();
  const out: Record<string, string[]> = {};
  for (const table of Object.values(schema)) {
    if (!is(table, PgTable)) continue;
    const rows = await s.ctx.db.select().from(table);
    out[getTableName(table)] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** The simulator's callbacks for a force sync arrive on their own: wait for the workflow's end so they cannot count as a change. */
async function simulatorDone(s: TestServer, workflowId: string): Promise<void> {
  const until = Date.now() + 20_000;
  for (;;) {
    await s.settle();
    const [row] = await s.ctx.db.select({ status: schema.workflows.status }).from(schema.workflows).where(eq(schema.workflows.workflowId, workflowId));
    if (row?.status === 'completed') return;
    if (Date.now() > until) throw new Error(`the simulated workflow ${workflowId} did not complete within 20 s (${row?.status ?? 'unknown'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('ofs_session='));
const attrs = (cookie: string) => cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());

async function login(s: TestServer, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(ADMIN),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  const cookie = cookieOf(res)!;
  return { cookie, token: /^ofs_session=([^;]+)/.exec(cookie)![1]! };
}

async function sessionRole(s: TestServer, token: string): Promise<string | null> {
  const res = await fetch(`${s.url}/trpc/session`, { headers: { cookie: `ofs_session=${token}` } });
  const body = (await res.json()) as { result: { data: { user?: { role: string } | null } } };
  return body.result.data.user?.role ?? null;
}

describe.each(testDrivers)('the session cookie in production on %s', (driver) => {
  let prod: TestServer;
  beforeAll(async () => {
    prod = await startTestServer(driver, {
      nodeEnv: 'production',
      isProduction: true,
      trustProxy: 'loopback',
      baseUrl: 'https://sync.acme.test',
      admin: ADMIN,
      apiKeys: [{ name: 'app', role: 'client', key: CLIENT_KEY }],
    });
  });
  afterAll(() => prod?.stop());

  it('is Secure in production, and cleared (same attributes, Max-Age=0) on logout', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    const { cookie, token } = await login(prod, https);
    expect(attrs(cookie)).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/', 'secure']));
    const out = await fetch(`${prod.url}/api/auth/logout`, {
      method: 'POST',
      headers: { ...https, cookie: `ofs_session=${token}`, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    });
    expect(out.status).toBe(200);
    const cleared = cookieOf(out)!;
    expect(cleared).toMatch(/^ofs_session=;/);
    expect(attrs(cleared)).toEqual(expect.arrayContaining(['max-age=0', 'httponly', 'samesite=strict', 'path=/', 'secure']));
    // The session is gone on the server too, not just forgotten by the browser.
    const res = await fetch(`${prod.url}/trpc/workflows.list?input=%7B%7D`, { headers: { ...https, cookie: `ofs_session=${token}` } });
    expect(res.status).toBe(401);
  });
});

interface Target {
  name: string;
  path: string;
  /** A body the route would accept from the console, so a refusal is the CSRF check and not validation. */
  body: string;
  /** What it answers when let through (a real bulk replay is queued: 202). */
  status?: number;
}

interface Attack {
  name: string;
  headers: Record<string, string>;
  /** Sent instead of the route's body (a form with no fields). */
  empty?: boolean;
}

const FORM_TYPES = ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=----csrf'];

/** What a page on another origin (or another subdomain of the same site) can make a browser send with the cookie. */
const ATTACKS: Attack[] = [
  { name: 'foreign Origin, JSON, cross-site', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' } },
  { name: 'foreign Origin, JSON, no Fetch metadata', headers: { origin: 'https://evil.example', 'content-type': 'application/json' } },
  // SameSite=Strict still sends the cookie from a sibling subdomain: the Origin check has to catch this one.
  { name: 'same-site sibling, JSON', headers: { origin: 'https://blog.acme.test', 'sec-fetch-site': 'same-site', 'content-type': 'application/json' } },
  { name: 'Origin: null (sandboxed frame), JSON', headers: { origin: 'null', 'content-type': 'application/json' } },
  { name: 'cross-site Fetch metadata alone, JSON', headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' } },
  ...FORM_TYPES.map((type) => ({ name: `${type.split(';')[0]} form, no Origin`, headers: { 'content-type': type } })),
  ...FORM_TYPES.map((type) => ({
    name: `${type.split(';')[0]} form, foreign Origin`,
    headers: { 'content-type': type, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
  })),
  { name: 'empty form, no Origin', headers: { 'content-type': 'application/x-www-form-urlencoded' }, empty: true },
  { name: 'empty text/plain form, foreign Origin', headers: { 'content-type': 'text/plain', origin: 'https://evil.example' }, empty: true },
  { name: 'no content type, no Origin', headers: {}, empty: true },
];

describe.each(testDrivers)('the session cookie and CSRF on state-changing routes on %s', (driver) => {
  let s: TestServer;
  let token: string;
  let workflowId: string;
  let startedWorkflowId: string;
  let otherUserId: string;
  let targets: Target[];

  const post = (path: string, headers: Record<string, string>, body?: string) =>
    fetch(`${s.url}${path}`, { method: 'POST', headers: { cookie: `ofs_session=${token}`, ...headers }, ...(body === undefined ? {} : { body }) });
  // What the console sends: JSON, from its own origin, with the cookie.
  const consoleHeaders = () => ({ 'content-type': 'application/json', origin: s.url, 'sec-fetch-site': 'same-origin' });

  beforeAll(async () => {
    // API keys set: REST routes are not open, so the cookie is what authenticates (DESIGN.md "Access").
    s = await startTestServer(driver, { admin: ADMIN, apiKeys: [{ name: 'app', role: 'client', key: CLIENT_KEY }] });
    token = (await login(s)).token;
    // Real data for every write to act on: a failed agent, events old enough for a 1-day cleanup, a force sync, a second user.
    const secret = s.config.webhook.secrets[0]!;
    workflowId = `wf-csrf-${driver}`;
    for (const [offset, e] of [
      makeEvent({ workflow_id: workflowId, offset: 0 }),
      makeEvent({ workflow_id: workflowId, event_type: 'agent.failed', agent_id: 'geo_audit', offset: 1, execution_status: 'failure' }),
      makeEvent({ workflow_id: workflowId, event_type: 'agent.completed', agent_id: 'content_review', offset: 2 }),
    ].entries()) {
      expect((await postOsa(s.url, secret, e)).status, `event ${offset}`).toBe(202);
    }
    await s.settle();
    await s.ctx.db.update(schema.webhookEvents).set({ receivedAt: new Date(Date.now() - 10 * DAY) }).where(eq(schema.webhookEvents.workflowId, workflowId));
    const started = await post('/trpc/forceSync.start', consoleHeaders(), '{"sync_scope":"odp_only","include_rag_update":false}');
    expect(started.status).toBe(200);
    startedWorkflowId = ((await started.json()) as { result: { data: { sync_details: { external_opal: { workflow_id: string } } } } }).result.data
      .sync_details.external_opal.workflow_id;
    await simulatorDone(s, startedWorkflowId);
    const created = await post('/trpc/users.create', consoleHeaders(), JSON.stringify({ email: 'vera@acme.test', password: 'a-long-viewer-password', role: 'viewer' }));
    expect(created.status).toBe(200);
    otherUserId = ((await created.json()) as { result: { data: { user_id: string } } }).result.data.user_id;
    expect(otherUserId).toMatch(/^[0-9a-f-]{36}$/);

    const replay = JSON.stringify({ workflow_id: workflowId, replay_options: { force_reprocess: true } });
    const replayWithReason = JSON.stringify({ workflow_id: workflowId, replay_options: { force_reprocess: true }, reason: 'csrf test' });
    const syncBody = '{"sync_scope":"all_platforms","include_rag_update":true}';
    const rest: Target[] = [
      { name: 'force sync', path: '/api/opal/sync', body: syncBody },
      { name: 'trigger', path: '/api/orchestrations/trigger', body: '{"workflow_name":"strategy_workflow"}' },
      { name: 'replay', path: '/api/orchestrations/replay', body: replay },
      { name: 'bulk replay', path: '/api/orchestrations/replay/bulk', body: '{"filter":{"status":"any"}}', status: 202 },
      { name: 'cleanup', path: '/api/diagnostics/last-webhook', body: '{"action":"cleanup_old_events","retention_days":1}' },
      { name: 'test configuration', path: '/api/diagnostics/last-webhook', body: '{"action":"test_configuration"}' },
    ];
    const trpc: Target[] = [
      { name: 'diagnostics.testConfiguration', path: '/trpc/diagnostics.testConfiguration', body: '{}' },
      { name: 'diagnostics.cleanup', path: '/trpc/diagnostics.cleanup', body: '{"retention_days":1,"reason":"csrf test"}' },
      { name: 'workflows.rerun', path: '/trpc/workflows.rerun', body: JSON.stringify({ workflowId: startedWorkflowId }) },
      { name: 'replay.workflow', path: '/trpc/replay.workflow', body: replayWithReason },
      { name: 'replay.bulk', path: '/trpc/replay.bulk', body: '{"filter":{"status":"any"},"reason":"csrf test"}' },
      { name: 'forceSync.start', path: '/trpc/forceSync.start', body: syncBody },
      { name: 'forceSync.start (batch)', path: '/trpc/forceSync.start?batch=1', body: `{"0":${syncBody}}` },
      { name: 'users.create', path: '/trpc/users.create', body: JSON.stringify({ email: 'mallory@evil.example', password: 'mallory-password-123', role: 'admin' }) },
      { name: 'users.update', path: '/trpc/users.update', body: JSON.stringify({ userId: otherUserId, role: 'admin' }) },
    ];
    // Last: were it let through, it would end the session the other attempts use.
    targets = [...rest, ...trpc, { name: 'logout', path: '/api/auth/logout', body: '{}' }];
  });
  afterAll(() => s?.stop());

  it('is HttpOnly, SameSite=Strict, Path=/, host-only, with an expiry, and not Secure in development over http', async () => {
    const { cookie } = await login(s);
    const a = attrs(cookie);
    expect(a).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    expect(a.some((x) => x.startsWith('expires='))).toBe(true);
    expect(a).not.toContain('secure');
    expect(a.some((x) => x.startsWith('domain='))).toBe(false); // host-only: no sibling subdomain receives it
  });

  it('is not set by a failed sign-in', async () => {
    const res = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ADMIN, password: 'not-the-password' }),
    });
    expect(res.status).toBe(401);
    expect(cookieOf(res)).toBeUndefined();
  });

  it('refuses every cross-site shape of every state-changing REST route and tRPC mutation (401/403), and changes nothing', async () => {
    const before = await snapshot(s);
    let tried = 0;
    const accepted: string[] = [];
    for (const target of targets) {
      for (const attack of ATTACKS) {
        const res = await post(target.path, attack.headers, attack.empty ? undefined : target.body);
        const text = await res.text();
        if (![401, 403].includes(res.status) || cookieOf(res) !== undefined) accepted.push(`${target.name} ← ${attack.name}: ${res.status} ${text.slice(0, 120)}`);
        tried += 1;
      }
      expect(await sessionRole(s, token), `the session after ${target.name}`).toBe('admin');
    }
    expect(accepted).toEqual([]);
    expect(tried).toBe(targets.length * ATTACKS.length);
    expect(await snapshot(s)).toEqual(before);
    // The session survived every attempt (a cross-site logout is refused too).
    expect(await sessionRole(s, token)).toBe('admin');
  }, 90_000);

  it("accepts the same writes the console's way (same origin, JSON), so the refusals above were the CSRF check", async () => {
    // Cleanups last: they remove the old events the replays act on.
    const cleanupLast = targets.filter((t) => t.name !== 'logout').sort((a, b) => Number(/cleanup/.test(a.name)) - Number(/cleanup/.test(b.name)));
    for (const target of cleanupLast) {
      const res = await post(target.path, consoleHeaders(), target.body);
      expect(res.status, `${target.name}: ${(await res.text()).slice(0, 300)}`).toBe(target.status ?? 200);
    }
    // An API key is not a browser credential: a Bearer call is not subject to the Origin check.
    const keyed = await fetch(`${s.url}/api/opal/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', origin: 'https://tool.partner.test' },
      body: '{}',
    });
    expect(keyed.status).toBe(200);
    const out = await post('/api/auth/logout', consoleHeaders());
    expect(out.status).toBe(200);
    expect(await sessionRole(s, token)).toBeNull();
  });
});

/** Sends with an explicit Host header, as a proxy that rewrites it would (fetch does not let a caller set Host). */
function postWithHost(url: string, path: string, headers: Record<string, string>, body = '{}'): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path, method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the CSRF check behind a proxy that rewrites Host', () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startTestServer('pglite', { admin: ADMIN, apiKeys: [{ name: 'app', role: 'client', key: CLIENT_KEY }], baseUrl: 'https://console.acme.test' });
    token = (await login(s)).token;
  });
  afterAll(() => s?.stop());

  const write = (origin: string) =>
    postWithHost(s.url, '/trpc/diagnostics.testConfiguration', {
      host: 'upstream.internal:8080',
      origin,
      cookie: `ofs_session=${token}`,
      'content-type': 'application/json',
      'sec-fetch-site': 'same-origin',
    });
  const restWrite = (origin: string) =>
    postWithHost(
      s.url,
      '/api/diagnostics/last-webhook',
      { host: 'upstream.internal:8080', origin, cookie: `ofs_session=${token}`, 'content-type': 'application/json' },
      '{"action":"test_configuration"}',
    );

  it("accepts the console's writes from BASE_URL's origin, and still refuses any other origin", async () => {
    expect(await write('https://console.acme.test')).toBe(200);
    expect(await write('https://evil.example')).toBe(403);
    expect(await write('https://console.acme.test.evil.example')).toBe(403);
    expect(await restWrite('https://console.acme.test')).toBe(200);
    expect(await restWrite('https://evil.example')).toBe(403);
  });
});
