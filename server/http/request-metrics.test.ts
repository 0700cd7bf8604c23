import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequestRollups } from '../db/schema';
import { testDrivers } from '../test-support/test-database';
import { startTestServer, type TestServer } from '../test-support/test-server';

describe.each(testDrivers)('request metrics middleware on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(() => s?.stop());

  it('records the route pattern, never the raw URL with its ids, and unmatched requests as such', async () => {
    const ids = ['7d7d7d7d-0000-4000-8000-000000000001', '7d7d7d7d-0000-4000-8000-000000000002'];
    for (const id of ids) expect((await fetch(`${s.url}/api/opal/sync/${id}`)).status).toBe(404);
    expect((await fetch(`${s.url}/api/opal/sync`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    expect((await fetch(`${s.url}/api/no-such-thing/${ids[0]}`)).status).toBe(404);
    expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${s.url}/trpc/session`)).status).toBe(200);
    expect((await fetch(`${s.url}/trpc/session,system.health?batch=1&input=${encodeURIComponent('{}')}`)).status).toBeLessThan(500);
    // The answer is written before 'finish' fires: give the last one a moment.
    await new Promise((r) => setTimeout(r, 50));
    await s.ctx.telemetry.flush();

    const rows = await s.ctx.db
      .select({ route: httpRequestRollups.route, status: httpRequestRollups.status, count: httpRequestRollups.count, sumMs: httpRequestRollups.sumMs })
      .from(httpRequestRollups);
    const byRoute = Object.fromEntries(rows.map((r) => [`${r.route} ${r.status}`, r.count]));
    expect(byRoute).toEqual({
      'GET /api/opal/sync/:sync_id 404': 2,
      'POST /api/opal/sync 415': 1,
      'GET unmatched 404': 1,
      'GET /api/health 200': 1,
      'GET /trpc/session 200': 1,
      'GET /trpc (batch) 200': 1,
    });
    expect(rows.every((r) => r.sumMs >= 0)).toBe(true);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain('http_requests_total{method="GET",route="/api/opal/sync/:sync_id",status="404"} 2');
    for (const id of ids) expect(metrics + JSON.stringify(rows)).not.toContain(id);
  });

  it("leaves the console's event stream out: its close is its normal end, not a 499, and its length no latency; logged as closed, not aborted", async () => {
    await s.ctx.telemetry.flush();
    const before = await s.ctx.db.select({ route: httpRequestRollups.route }).from(httpRequestRollups);
    const aborter = new AbortController();
    const url = `${s.url}/trpc/live.changes?input=${encodeURIComponent(JSON.stringify({ kinds: ['events'] }))}`;
    const res = await fetch(url, { headers: { accept: 'text/event-stream', 'x-correlation-id': 'stream-test' }, signal: aborter.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await res.body!.getReader().read();
    aborter.abort();
    const closed = () => s.logs.some((l) => l.includes('"correlation_id":"stream-test"') && l.includes('stream closed: GET /trpc/live.changes'));
    for (const start = Date.now(); !closed() && Date.now() - start < 5000; ) await new Promise((r) => setTimeout(r, 20));
    expect(closed()).toBe(true);
    expect(s.logs.filter((l) => l.includes('request aborted: GET /trpc/live.changes'))).toEqual([]);
    await s.ctx.telemetry.flush();
    const after = await s.ctx.db.select({ route: httpRequestRollups.route }).from(httpRequestRollups);
    expect(after.filter((r) => r.route.includes('live.changes'))).toEqual([]);
    expect(after.length).toBe(before.length);
    expect(await (await fetch(`${s.url}/metrics`)).text()).not.toContain('live.changes');
  });
});
