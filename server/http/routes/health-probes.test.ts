import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotReadyReason } from '../../contracts/health';
import type { RunningServer } from '../../server';
import { startServerBehindProxy } from '../../test-support/server-behind-proxy';
import { tableCounts } from '../../test-support/table-counts';
import type { TcpProxy } from '../../test-support/tcp-proxy';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';

const live = (url: string) => fetch(`${url}/api/health/live`);
const ready = (url: string) => fetch(`${url}/api/health/ready`);

/** DESIGN.md's 503: the error body with its reason, and Retry-After. */
async function expectNotReady(r: Response, reason: NotReadyReason): Promise<void> {
  expect(r.status).toBe(503);
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await r.json()).toMatchObject({ success: false, error: 'Service Unavailable', reason, correlation_id: r.headers.get('x-correlation-id') });
}

async function readyUntil200(url: string): Promise<Response> {
  let r = await ready(url);
  for (let i = 0; i < 40 && r.status !== 200; i++) {
    await new Promise((res) => setTimeout(res, 250));
    r = await ready(url);
  }
  return r;
}

describe.each(testDrivers)('health probes on %s: up', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(() => s?.stop());

  it('live and ready both answer 200', async () => {
    const l = await live(s.url);
    expect(l.status).toBe(200);
    expect(await l.json()).toMatchObject({ success: true, status: 'live', version: s.ctx.version, uptime_seconds: expect.any(Number) });
    const r = await ready(s.url);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ success: true, status: 'ready', database_latency_ms: expect.any(Number) });
  });

  it('cost no stored row, no rate limit and no info log line, however often they come', async () => {
    const before = await tableCounts(s);
    const logsBefore = s.logs.length;
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? live(s.url) : ready(s.url)).then((r) => r.status)));
    expect(answers.filter((status) => status !== 200)).toEqual([]);
    expect(await tableCounts(s)).toEqual(before);
    expect(s.logs.slice(logsBefore).filter((l) => l.includes('/api/health/'))).toEqual([]);
    // The runbook's combined view keeps its request line.
    await fetch(`${s.url}/api/health`);
    expect(s.logs.slice(logsBefore).some((l) => l.includes('"path":"/api/health"'))).toBe(true);
  });

  it('ready answers 503 database_unreachable while the ping hangs, before the ping ever returns, and pings once for concurrent probes', async () => {
    // Its timer would ping through the same hook and blur the count.
    await s.ctx.dbHealth.stop();
    const database = s.ctx.database;
    const realPing = database.ping;
    let pings = 0;
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    database.ping = () => {
      pings++;
      return hung.then(realPing);
    };
    try {
      const [a, b] = await Promise.all([ready(s.url), ready(s.url)]);
      for (const r of [a, b]) await expectNotReady(r, 'database_unreachable');
      // Both answers came while the ping was still hanging; one ping served both.
      expect(pings).toBe(1);
      expect((await live(s.url)).status).toBe(200);
    } finally {
      release();
      database.ping = realPing;
      s.ctx.dbHealth.start();
    }
    expect((await readyUntil200(s.url)).status).toBe(200);
  });
});

// A real outage needs a real network hop: PostgreSQL behind a proxy the test cuts.
describe.skipIf(!process.env.TEST_DATABASE_URL)('health probes on postgres: database cut', () => {
  let proxy: TcpProxy;
  let server: RunningServer;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ server, proxy, stop } = await startServerBehindProxy());
  });
  afterAll(() => stop?.());

  it('live stays 200, ready answers 503 database_unreachable, then 200 once the proxy is restored', async () => {
    expect((await ready(server.url)).status).toBe(200);

    proxy.cut();
    await expectNotReady(await ready(server.url), 'database_unreachable');
    const l = await live(server.url);
    expect(l.status).toBe(200);
    expect(await l.json()).toMatchObject({ success: true, status: 'live' });
    // The runbook's view agrees that the database is away.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(503);

    proxy.restore();
    const back = await readyUntil200(server.url);
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ success: true, status: 'ready' });
    expect((await live(server.url)).status).toBe(200);
  });
});

describe.each(testDrivers)('health probes on %s: draining', (driver) => {
  it('ready answers 503 draining as soon as close() begins, while live and the other routes still answer; the listener closes after the drain', async () => {
    // A drain far longer than the test: everything below happens inside it, whatever the machine's speed.
    const s = await startTestServer(driver, { shutdownDrainMs: 600_000 });
    try {
      expect((await ready(s.url)).status).toBe(200);
      const closed = s.close();
      expect(s.ctx.lifecycle.state).toBe('draining');

      await expectNotReady(await ready(s.url), 'draining');
      // Everything else is still served, on new connections too, each told to reconnect.
      const l = await live(s.url);
      expect(l.status).toBe(200);
      expect(l.headers.get('connection')).toBe('close');
      expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
      expect((await fetch(`${s.url}/api/opal/sync`)).status).toBe(200);
      expect(s.server.listening).toBe(true);

      // A second signal ends the drain; the rest of close() follows.
      s.skipDrain();
      await closed;
      expect(s.ctx.lifecycle.state).toBe('stopping');
      expect(s.server.listening).toBe(false);
      await expect(live(s.url)).rejects.toThrow();
    } finally {
      s.skipDrain();
      await s.stop();
    }
  });

  it('a drain that runs its course ends before the listener closes', async () => {
    const s = await startTestServer(driver, { shutdownDrainMs: 200 });
    try {
      const order: string[] = [];
      s.server.once('close', () => order.push(`listener closed while ${s.ctx.lifecycle.state}`));
      const closed = s.close();
      order.push(`close() began: ${s.ctx.lifecycle.state}`);
      await closed;
      expect(order).toEqual(['close() began: draining', 'listener closed while stopping']);
      expect(s.logs.join('')).toMatch(/draining: readiness answers 503[^\n]*\n[^]*stopped accepting connections/);
    } finally {
      await s.stop();
    }
  });
});
