import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTestConfig } from '../../test-support/make-test-config';
import { createLogger } from '../../logger';
import { type RunningServer, startServer } from '../../server';
import { openPostgresBehindProxy } from '../../test-support/postgres-behind-proxy';
import type { TcpProxy } from '../../test-support/tcp-proxy';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { DEFAULT_ALERT_RULES } from './alert-rules';
import { alertRows, clearAlertData } from '../../test-support/alert-test-support';
import { DatabaseHealth, type DatabaseHealthDeps } from './database-health';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const rule = DEFAULT_ALERT_RULES.database_connection;

/** The server's own dependencies, with the test's rule and ping; never started, so the test drives every probe. */
function healthOf(ctx: RunningServer['ctx'], o: Pick<DatabaseHealthDeps, 'rule' | 'ping'>): DatabaseHealth {
  return new DatabaseHealth({ db: ctx.db, logger: ctx.logger, now: ctx.now, config: ctx.config, ...o });
}

/** A ping the test switches between failing and answering. */
function fakePing() {
  const state = { up: true, calls: 0 };
  const ping = async () => {
    state.calls++;
    if (!state.up) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'), { code: 'ECONNREFUSED' });
  };
  return { state, ping };
}

describe.each(testDrivers)('database health on %s', (driver) => {
  let s: TestServer;
  let clock = T0;
  beforeAll(async () => {
    s = await startTestServer(driver, {}, { now: () => clock });
    await s.ctx.projections.stop();
  });
  afterAll(async () => {
    await s?.ctx.dbHealth.stop();
    await s?.stop();
  });
  beforeEach(async () => {
    clock = T0;
    await clearAlertData(s.ctx.db);
  });

  const healthWith = (ping: () => Promise<void>) => healthOf(s.ctx, { rule, ping });
  const probeAt = async (h: DatabaseHealth, t: number) => {
    clock = t;
    await h.probe();
  };

  it('fires in memory after two failed probes, stores the firing with its real fired_at when the database answers, then resolves it', async () => {
    const { state, ping } = fakePing();
    const h = healthWith(ping);
    await probeAt(h, T0);
    expect(h.snapshot().state).toBe('ok');

    state.up = false;
    await probeAt(h, T0 + 5_000);
    expect(h.snapshot()).toMatchObject({ state: 'failing', consecutive_failures: 1, last_error: 'ECONNREFUSED' });
    await probeAt(h, T0 + 10_000);
    expect(h.snapshot()).toMatchObject({ state: 'firing', incident: { fired_at: new Date(T0 + 10_000).toISOString(), stored: false } });
    await probeAt(h, T0 + 15_000);
    // While the database is away nothing is written.
    expect(await alertRows(s.ctx.db)).toEqual([]);

    state.up = true;
    await probeAt(h, T0 + 20_000);
    const [stored] = await alertRows(s.ctx.db, 'database_connection');
    expect(stored).toMatchObject({
      severity: 'critical',
      status: 'firing',
      firedAt: new Date(T0 + 10_000),
      resolvedAt: null,
      value: 3,
      threshold: 2,
      details: { first_failure_at: new Date(T0 + 5_000).toISOString(), failed_probes: 3, last_error: 'ECONNREFUSED' },
    });
    // The driver's message (hosts, anything else) is never stored.
    expect(JSON.stringify(stored)).not.toMatch(/hunter2|10\.0\.0\.5/);

    await probeAt(h, T0 + 25_000);
    const rows = await alertRows(s.ctx.db, 'database_connection');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved', firedAt: new Date(T0 + 10_000), resolvedAt: new Date(T0 + 25_000) });
    expect(h.snapshot()).toMatchObject({ state: 'ok', incident: null });
    await h.stop();
  });

  it('fires on a long run of failures even below the failure count (slow, timed-out probes)', async () => {
    const { state, ping } = fakePing();
    const h = healthOf(s.ctx, { rule: { ...rule, failuresToFire: 100 }, ping });
    state.up = false;
    await probeAt(h, T0);
    await probeAt(h, T0 + 29_000);
    expect(h.snapshot().state).toBe('failing');
    await probeAt(h, T0 + 30_000);
    expect(h.snapshot().state).toBe('firing');
    await h.stop();
  });

  it('does not fire on a single failed probe', async () => {
    const { state, ping } = fakePing();
    const h = healthWith(ping);
    state.up = false;
    await probeAt(h, T0);
    state.up = true;
    await probeAt(h, T0 + 5_000);
    await probeAt(h, T0 + 10_000);
    expect(h.snapshot()).toMatchObject({ state: 'ok', incident: null });
    expect(await alertRows(s.ctx.db)).toEqual([]);
    await h.stop();
  });

  it('stores an outage seen by two processes once, even when both recover at the same moment', async () => {
    const a = fakePing();
    const b = fakePing();
    const ha = healthWith(a.ping);
    const hb = healthWith(b.ping);
    a.state.up = false;
    b.state.up = false;
    for (const t of [T0, T0 + 5_000]) {
      clock = t;
      await Promise.all([ha.probe(), hb.probe()]);
    }
    expect(ha.hasOpenIncident() && hb.hasOpenIncident()).toBe(true);
    a.state.up = true;
    b.state.up = true;
    clock = T0 + 10_000;
    await Promise.all([ha.probe(), hb.probe()]);
    expect(await alertRows(s.ctx.db, 'database_connection')).toHaveLength(1);
    clock = T0 + 15_000;
    await Promise.all([ha.probe(), hb.probe()]);
    const rows = await alertRows(s.ctx.db, 'database_connection');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved', firedAt: new Date(T0 + 5_000), resolvedAt: new Date(T0 + 15_000) });
    expect(ha.hasOpenIncident() || hb.hasOpenIncident()).toBe(false);
    await Promise.all([ha.stop(), hb.stop()]);
  });

  it('keeps one firing through a flap before the resolve condition holds', async () => {
    const { state, ping } = fakePing();
    const h = healthWith(ping);
    state.up = false;
    await probeAt(h, T0);
    await probeAt(h, T0 + 5_000);
    // Answers once, then goes away again before the resolve condition holds.
    state.up = true;
    await probeAt(h, T0 + 10_000);
    state.up = false;
    await probeAt(h, T0 + 15_000);
    expect(h.snapshot().state).toBe('firing');
    state.up = true;
    await probeAt(h, T0 + 20_000);
    await probeAt(h, T0 + 25_000);
    const rows = await alertRows(s.ctx.db, 'database_connection');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved', firedAt: new Date(T0 + 5_000), resolvedAt: new Date(T0 + 25_000) });
    await h.stop();
  });

  it('probes on its own timer only between start() and stop()', async () => {
    const { state, ping } = fakePing();
    const h = healthOf(s.ctx, { rule: { ...rule, probeEveryMs: 10 }, ping });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await sleep(50);
    expect(state.calls).toBe(0);
    h.start();
    for (let i = 0; i < 100 && state.calls < 3; i++) await sleep(10);
    expect(state.calls).toBeGreaterThanOrEqual(3);
    await h.stop();
    const calls = state.calls;
    await sleep(50);
    expect(state.calls).toBe(calls);
    expect(h.snapshot().state).toBe('ok');
  });

  it('treats a ping that does not answer in time as a failure', async () => {
    const h = healthOf(s.ctx, { rule: { ...rule, probeTimeoutMs: 20 }, ping: () => new Promise(() => {}) });
    await probeAt(h, T0);
    expect(h.snapshot()).toMatchObject({ state: 'failing', last_error: 'timeout' });
    await h.stop();
  });
});

// A real outage: PostgreSQL behind a proxy the test cuts, probed through the real ping.
describe.skipIf(!process.env.TEST_DATABASE_URL)('database health through a real outage on postgres', () => {
  let proxy: TcpProxy;
  let server: RunningServer;
  let dispose: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const behind = await openPostgresBehindProxy();
    ({ proxy, dispose } = behind);
    const database = behind.database;
    server = await startServer({ config: makeTestConfig({ port: 0, host: '127.0.0.1' }), logger: createLogger({ debug: false, level: 'silent' }), database, background: false });
    await server.ctx.projections.stop();
  });
  afterAll(async () => {
    await server?.ctx.dbHealth.stop();
    await server?.close();
    await dispose?.();
  });

  it('fires while the database is unreachable and stores the firing, then its resolution, when it is back', async () => {
    const h = healthOf(server.ctx, { rule: { ...rule, probeTimeoutMs: 1_000 }, ping: () => server.ctx.database.ping() });
    await h.probe();
    expect(h.snapshot().state).toBe('ok');

    proxy.cut();
    await h.probe();
    await h.probe();
    const firing = h.snapshot();
    expect(firing).toMatchObject({ state: 'firing', incident: { stored: false } });

    proxy.restore();
    for (let i = 0; i < 20 && !h.snapshot().incident?.stored; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await h.probe();
    }
    for (let i = 0; i < 5 && h.hasOpenIncident(); i++) await h.probe();
    const rows = await alertRows(server.ctx.db, 'database_connection');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved', firedAt: new Date(firing.incident!.fired_at) });
    expect(rows[0]!.resolvedAt!.getTime()).toBeGreaterThan(rows[0]!.firedAt.getTime());
    await h.stop();
  });
});
