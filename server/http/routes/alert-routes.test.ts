import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertViewSchema } from '../../contracts/alerts';
import { alerts } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';

interface Json {
  [k: string]: unknown;
}
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const iso = (offsetMin: number) => new Date(T0 + offsetMin * 60_000);

async function get(url: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Json };
}
const fieldPaths = (body: Json) => ((body.details as { field_errors?: { path: string }[] } | undefined)?.field_errors ?? []).map((f) => f.path);

async function seedAlerts(s: TestServer) {
  const base = { severity: 'warning', value: 1, threshold: 0, details: { unit: 'count' } };
  await s.ctx.db.insert(alerts).values([
    // Fired first, but firing: listed first.
    { ...base, id: randomUUID(), rule: 'workflow_timed_out', status: 'firing', message: 'wf-1 timed out', firedAt: iso(-180), lastEvaluatedAt: iso(0) },
    { ...base, id: randomUUID(), rule: 'event_backlog', status: 'resolved', message: 'backlog 150', firedAt: iso(-120), resolvedAt: iso(-60), lastEvaluatedAt: iso(-60), firingNotifiedAt: iso(-120) },
    { ...base, id: randomUUID(), rule: 'auth_failures', severity: 'critical', status: 'resolved', message: '9 failures', firedAt: iso(-30), resolvedAt: iso(-10), lastEvaluatedAt: iso(-10) },
  ]);
}

describe.each(testDrivers)('GET /api/alerts on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
    await seedAlerts(s);
  });
  afterAll(async () => {
    await s?.ctx.dbHealth.stop();
    await s?.stop();
  });

  it('lists firing alerts first, then history newest first, in the contract shape', async () => {
    const r = await get(s.url, '/api/alerts');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, status: 'all', limit: 50, firing_count: 1 });
    const list = r.body.alerts as Json[];
    expect(list.map((a) => a.rule)).toEqual(['workflow_timed_out', 'auth_failures', 'event_backlog']);
    for (const a of list) expect(alertViewSchema.parse(a)).toEqual(a);
    expect(list[2]).toMatchObject({
      status: 'resolved',
      message: 'backlog 150',
      fired_at: iso(-120).toISOString(),
      resolved_at: iso(-60).toISOString(),
      firing_notified_at: iso(-120).toISOString(),
      resolved_notified_at: null,
    });
  });

  it('filters by status and limits', async () => {
    const firing = await get(s.url, '/api/alerts?status=firing');
    expect((firing.body.alerts as Json[]).map((a) => a.rule)).toEqual(['workflow_timed_out']);
    const resolved = await get(s.url, '/api/alerts?status=resolved&limit=1');
    expect(resolved.body).toMatchObject({ status: 'resolved', limit: 1, firing_count: 1 });
    expect((resolved.body.alerts as Json[]).map((a) => a.rule)).toEqual(['auth_failures']);
    // An unknown parameter (a cache buster) is ignored.
    expect((await get(s.url, '/api/alerts?_=123')).status).toBe(200);
  });

  it.each([
    ['/api/alerts?status=broken', 'status'],
    ['/api/alerts?limit=0', 'limit'],
    ['/api/alerts?limit=201', 'limit'],
    ['/api/alerts?limit=abc', 'limit'],
    ['/api/alerts?status=firing&status=resolved', 'status'],
  ])('answers %s with 400 naming %s', async (path, field) => {
    const r = await get(s.url, path);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ success: false, error: 'Validation Error' });
    expect(fieldPaths(r.body)).toContain(field);
  });
});

describe.each(testDrivers)('GET /api/alerts roles on %s', (driver) => {
  let s: TestServer;
  const keys = { viewer: 'viewer-key-0123456789abcdef0123456789abcdef', client: 'client-key-0123456789abcdef0123456789abcdef' };
  beforeAll(async () => {
    s = await startTestServer(driver, {
      apiKeys: [
        { name: 'dashboards', role: 'viewer', key: keys.viewer },
        { name: 'acme-app', role: 'client', key: keys.client },
      ],
    });
  });
  afterAll(async () => {
    await s?.ctx.dbHealth.stop();
    await s?.stop();
  });

  it('needs a read role: 401 without a key, 403 for a client key, 200 for a viewer', async () => {
    expect((await get(s.url, '/api/alerts')).status).toBe(401);
    expect((await get(s.url, '/api/alerts', { authorization: `Bearer ${keys.client}` })).status).toBe(403);
    const ok = await get(s.url, '/api/alerts', { authorization: `Bearer ${keys.viewer}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, firing_count: 0, alerts: [] });
  });
});
