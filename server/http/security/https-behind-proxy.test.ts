import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../config/config';
import { tableCounts } from '../../test-support/table-counts';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa } from '../../test-support/webhook-client';

const KEY = 'https-test-admin-key-0000000000000000';
const PUBLIC_HOST = 'sync.acme.test';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** node:http, not fetch: these tests need to control (or omit) Host and X-Forwarded-* themselves. */
function send(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string; setHost?: boolean },
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers ?? {}, setHost: opts.setHost ?? true, timeout: 15_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(opts.body);
  });
}


const production = (trustProxy: Config['trustProxy']) => ({
  nodeEnv: 'production' as const,
  isProduction: true,
  trustProxy,
  baseUrl: `https://${PUBLIC_HOST}`,
  apiKeys: [{ name: 'ci', role: 'admin' as const, key: KEY }],
  admin: { email: 'ada@acme.test', password: 'a-long-admin-password' },
});

const json = (a: Answer) => JSON.parse(a.text) as Record<string, unknown>;
const syncBody = JSON.stringify({ sync_scope: 'priority_platforms', include_rag_update: false });
const authed = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

/** Every way a plain-http write is refused: 403, the JSON error shape, and nothing stored anywhere. */
async function expectRefusedWrites(s: TestServer, extra: Record<string, string>) {
  const before = await tableCounts(s);
  const writes: { path: string; headers: Record<string, string>; body: string; method?: string }[] = [
    { path: '/api/opal/sync', headers: authed, body: syncBody },
    { path: '/api/orchestrations/trigger', headers: authed, body: syncBody },
    { path: '/api/orchestrations/replay', headers: authed, body: '{"workflow_id":"wf-1"}' },
    { path: '/api/auth/login', headers: { 'content-type': 'application/json' }, body: '{"email":"ada@acme.test","password":"a-long-admin-password"}' },
    { path: '/api/diagnostics/last-webhook', headers: authed, body: '{"action":"cleanup_old_events","retention_days":1}' },
    { path: '/trpc/forceSync.start', headers: authed, body: syncBody },
    { path: '/api/opal/sync', headers: authed, body: syncBody, method: 'PUT' },
    { path: '/api/opal/sync', headers: authed, body: '', method: 'DELETE' },
  ];
  for (const w of writes) {
    const a = await send(s.url, { method: w.method ?? 'POST', path: w.path, headers: { ...w.headers, ...extra }, body: w.body });
    expect(a.status, `${w.method ?? 'POST'} ${w.path}`).toBe(403);
    expect(json(a)).toEqual({ success: false, error: 'Forbidden', message: expect.stringMatching(/HTTPS is required/), correlation_id: expect.any(String) });
    expect(a.headers['set-cookie'], 'no session is issued over plain http').toBeUndefined();
  }
  // A signed webhook delivery over plain http is refused too, before verification (no rejection row either).
  const event = makeEvent();
  const hook = await postOsa(s.url, s.config.webhook.secrets[0]!, event, { headers: extra });
  expect(hook.status).toBe(403);
  expect(await tableCounts(s)).toEqual(before);
  return event;
}

describe.each(testDrivers)('production behind a trusted proxy (TRUST_PROXY=loopback) on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, production('loopback'));
  });
  afterAll(() => s?.stop());

  it('serves a request the proxy marks as https', async () => {
    const a = await send(s.url, { path: '/api/opal/sync', headers: { 'x-forwarded-proto': 'https' } });
    expect(a.status).toBe(200);
    expect(json(a).success).toBe(true);
    const hook = await postOsa(s.url, s.config.webhook.secrets[0]!, makeEvent(), { headers: { 'x-forwarded-proto': 'https' } });
    expect(hook.status).toBe(202);
  });

  it('redirects a plain GET/HEAD (301) to the same path and query on the same host over https', async () => {
    for (const method of ['GET', 'HEAD']) {
      const a = await send(s.url, { method, path: '/api/opal/sync?verbose=1&x=%20y', headers: { host: PUBLIC_HOST, 'x-forwarded-proto': 'http' } });
      expect(a.status, method).toBe(301);
      expect(a.headers.location).toBe(`https://${PUBLIC_HOST}/api/opal/sync?verbose=1&x=%20y`);
    }
    // The console's pages too, not only the API.
    const page = await send(s.url, { path: '/workflows/wf-1', headers: { host: PUBLIC_HOST, 'x-forwarded-proto': 'http' } });
    expect(page.status).toBe(301);
    expect(page.headers.location).toBe(`https://${PUBLIC_HOST}/workflows/wf-1`);
    // No X-Forwarded-Proto at all: a plain connection, not secure.
    const direct = await send(s.url, { path: '/api/alerts', headers: { host: PUBLIC_HOST } });
    expect(direct.status).toBe(301);
    expect(direct.headers.location).toBe(`https://${PUBLIC_HOST}/api/alerts`);
  });

  it("redirects to BASE_URL's host whatever host the request names: a cacheable 301 must not point where a client chose", async () => {
    const forwarded = await send(s.url, { path: '/api/alerts', headers: { host: 'internal:3000', 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'http' } });
    expect(forwarded.headers.location).toBe(`https://${PUBLIC_HOST}/api/alerts`);
    const otherHost = await send(s.url, { path: '/api/alerts', headers: { host: 'evil.test', 'x-forwarded-proto': 'http' } });
    expect(otherHost.headers.location).toBe(`https://${PUBLIC_HOST}/api/alerts`);
    const odd: Answer[] = [await send(s.url, { path: '/api/alerts', setHost: false, headers: { 'x-forwarded-proto': 'http' } })];
    for (const host of ['evil.test@x', 'a b', 'evil.test/\\x']) {
      odd.push(await send(s.url, { path: '/api/alerts', headers: { host, 'x-forwarded-proto': 'http' } }));
    }
    for (const a of odd) {
      // Node refuses an HTTP/1.1 request without Host outright (400), which is as good.
      if (a.status === 400) continue;
      expect(a.status).toBe(301);
      expect(a.headers.location).toBe(`https://${PUBLIC_HOST}/api/alerts`);
    }
    expect(odd.filter((a) => a.status === 301).length).toBeGreaterThan(0);
  });

  it('keeps GET /api/health and the probes answerable over plain http for the load balancer and the kubelet', async () => {
    for (const path of ['/api/health', '/api/health/live', '/api/health/ready']) {
      for (const headers of [{}, { 'x-forwarded-proto': 'http' }] as Record<string, string>[]) {
        const a = await send(s.url, { path, headers });
        expect(a.status, path).toBe(200);
        expect(json(a)).toMatchObject({ success: true });
      }
    }
  });

  it('lets Prometheus scrape /metrics over plain http on the process address, with a key and only with one', async () => {
    const scraped = await send(s.url, { path: '/metrics', headers: { authorization: `Bearer ${KEY}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain/);
    expect(scraped.text).toMatch(/^# HELP opal_/m);
    const anonymous = await send(s.url, { path: '/metrics' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.location).toBeUndefined();
  });

  it('refuses every plain-http write with 403 "HTTPS is required" and stores nothing; the same write over https works', async () => {
    const event = await expectRefusedWrites(s, { 'x-forwarded-proto': 'http' });
    await expectRefusedWrites(s, {});
    const before = await tableCounts(s);
    const hook = await postOsa(s.url, s.config.webhook.secrets[0]!, event, { headers: { 'x-forwarded-proto': 'https' } });
    expect(hook.status).toBe(202);
    await s.settle();
    expect((await tableCounts(s)).webhook_events).toBe(before.webhook_events! + 1);
  });
});

describe('production without a trusted proxy', () => {
  it.each([
    ['TRUST_PROXY off', false],
    ['TRUST_PROXY naming another address', '10.9.8.7'],
  ] as const)('%s: a spoofed X-Forwarded-Proto: https does not make a plain request secure', async (_name, trustProxy) => {
    const s = await startTestServer('pglite', production(trustProxy));
    try {
      const a = await send(s.url, { path: '/api/opal/sync', headers: { host: PUBLIC_HOST, 'x-forwarded-proto': 'https' } });
      expect(a.status).toBe(301);
      expect(a.headers.location).toBe(`https://${PUBLIC_HOST}/api/opal/sync`);
      // X-Forwarded-Host is not believed either: the redirect goes to BASE_URL's host.
      const hostSpoof = await send(s.url, { path: '/api/opal/sync', headers: { host: PUBLIC_HOST, 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'https' } });
      expect(hostSpoof.headers.location).toBe(`https://${PUBLIC_HOST}/api/opal/sync`);
      await expectRefusedWrites(s, { 'x-forwarded-proto': 'https' });
      expect((await send(s.url, { path: '/api/health', headers: { 'x-forwarded-proto': 'https' } })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});

describe('development', () => {
  it('serves plain http as before: no redirect, writes accepted, X-Forwarded-Proto irrelevant', async () => {
    const s = await startTestServer('pglite', { trustProxy: false });
    try {
      for (const headers of [{}, { 'x-forwarded-proto': 'http' }] as Record<string, string>[]) {
        const a = await send(s.url, { path: '/api/opal/sync', headers });
        expect(a.status).toBe(200);
      }
      const hook = await postOsa(s.url, s.config.webhook.secrets[0]!, makeEvent(), { headers: { 'x-forwarded-proto': 'http' } });
      expect(hook.status).toBe(202);
    } finally {
      await s.stop();
    }
  });
});
