import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertNotificationSchema, type AlertNotification } from '../../contracts/alert-notification';
import type { Database } from '../../db/database';
import { openDatabase } from '../../db/open-database';
import { createLogger } from '../../logger';
import { type RunningServer, startServer } from '../../server';
import { type AlertReceiver, alertRows, clearAlertData, startAlertReceiver } from '../../test-support/alert-test-support';
import { makeTestConfig } from '../../test-support/make-test-config';
import { openPostgresBehindProxy } from '../../test-support/postgres-behind-proxy';
import type { TcpProxy } from '../../test-support/tcp-proxy';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { DEFAULT_ALERT_RULES } from './alert-rules';
import { DatabaseHealth, type DatabaseHealthDeps } from './database-health';
import { deliverAlertNotifications } from './deliver-alert-notifications';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const rule = DEFAULT_ALERT_RULES.database_connection;
/** Short back-off; a time-out long enough that a held answer is never given up on while a test holds it. */
const fast = { backoffMs: 10, timeoutMs: 30_000 };

/** Every post the receiver took, parsed through the notification's contract. */
const bodies = (r: AlertReceiver): AlertNotification[] => r.received.map((p) => alertNotificationSchema.parse(p.body));
const firings = (r: AlertReceiver) => bodies(r).filter((b) => b.status === 'firing');
const recoveries = (r: AlertReceiver) => bodies(r).filter((b) => b.status === 'resolved');

/** A ping the test switches between failing and answering, one per "process". */
function fakePing() {
  const state = { up: true };
  const ping = async () => {
    if (!state.up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  };
  return { state, ping };
}

// The database stays reachable for the test; each DatabaseHealth's ping is what goes down.
describe.each(testDrivers)('database outage notifications on %s', (driver) => {
  let s: TestServer;
  let receiver: AlertReceiver;
  let clock = T0;
  beforeAll(async () => {
    receiver = await startAlertReceiver();
    s = await startTestServer(driver, { alertWebhookUrl: receiver.url }, { now: () => clock });
    await s.ctx.projections.stop();
    // The server's own probe sees the real database, always up; the test's instances are the ones that go down.
    await s.ctx.dbHealth.stop();
  });
  afterAll(async () => {
    await s?.stop();
    await receiver?.close();
  });
  beforeEach(async () => {
    clock = T0;
    receiver.release();
    receiver.received.length = 0;
    receiver.failNext(0);
    await clearAlertData(s.ctx.db);
  });

  /** A process's probe, never started: the test drives it. */
  const processWith = (ping: () => Promise<void>) =>
    new DatabaseHealth({ db: s.ctx.db, logger: s.ctx.logger, now: () => clock, config: s.ctx.config, rule, ping, notifyRetry: fast } satisfies DatabaseHealthDeps);
  const probeAll = async (t: number, ...hs: DatabaseHealth[]) => {
    clock = t;
    await Promise.all(hs.map((h) => h.probe()));
  };
  /** Two processes, each with its own ping, that have both seen the database answer at T0. */
  const twoProcesses = async () => {
    const a = fakePing();
    const b = fakePing();
    const ha = processWith(a.ping);
    const hb = processWith(b.ping);
    await probeAll(T0, ha, hb);
    return { a, b, ha, hb };
  };

  it('posts the firing from memory before anything is stored; once stored, the recovery is posted once and the firing never again', async () => {
    const { state, ping } = fakePing();
    const h = processWith(ping);
    await probeAll(T0, h);
    state.up = false;
    await probeAll(T0 + 5_000, h);
    await probeAll(T0 + 10_000, h);
    await h.idle();

    const [firing] = firings(receiver);
    expect(receiver.received).toHaveLength(1);
    expect(firing).toMatchObject({ status: 'firing', incident_key: 'database_connection:after:none', text: expect.stringMatching(/^\[FIRING\] critical: Database connection failures\./) });
    expect(firing!.attachments[0].fields).toContainEqual({ title: 'Incident key', value: 'database_connection:after:none', short: false });
    expect(h.snapshot().incident).toMatchObject({ stored: false, notified: 'sent', incident_key: firing!.incident_key });
    expect(await alertRows(s.ctx.db)).toHaveLength(0);

    state.up = true;
    await probeAll(T0 + 15_000, h);
    const [stored] = await alertRows(s.ctx.db, 'database_connection');
    expect(stored).toMatchObject({ status: 'firing', firedAt: new Date(T0 + 10_000), firingNotifiedAt: new Date(T0 + 10_000), details: { incident_key: firing!.incident_key } });
    // The in-memory notification named the row it became.
    expect(firing!.attachments[0].footer).toContain(`alert ${stored!.id}`);

    await probeAll(T0 + 20_000, h);
    await h.idle();
    // The stored path, as the minutely job runs it, finds nothing left to send.
    expect(await deliverAlertNotifications({ ctx: s.ctx, input: { now: new Date(T0 + 60_000), retry: fast } })).toEqual({ sent: 0, failed: 0 });
    const rows = await alertRows(s.ctx.db, 'database_connection');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved', firedAt: new Date(T0 + 10_000), resolvedAt: new Date(T0 + 20_000), resolvedNotifiedAt: expect.any(Date) });
    expect(firings(receiver)).toHaveLength(1);
    expect(recoveries(receiver)).toEqual([expect.objectContaining({ incident_key: firing!.incident_key, text: expect.stringMatching(/^\[RESOLVED\] Database connection failures\./) })]);
    await h.stop();
  });

  it('loses nothing when the receiver refuses the in-memory firing: the stored path posts it, then the recovery', async () => {
    const { state, ping } = fakePing();
    const h = processWith(ping);
    receiver.failNext(3, 503);
    state.up = false;
    await probeAll(T0, h);
    await probeAll(T0 + 5_000, h);
    await h.idle();
    expect(receiver.received.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(h.snapshot().incident).toMatchObject({ notified: 'failed' });

    state.up = true;
    await probeAll(T0 + 10_000, h);
    await h.idle();
    expect(receiver.received.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    await probeAll(T0 + 15_000, h);
    await h.idle();
    const delivered = bodies(receiver).filter((_, i) => receiver.received[i]!.status === 200);
    expect(delivered.map((b) => b.status)).toEqual(['firing', 'resolved']);
    expect(new Set(bodies(receiver).map((b) => b.incident_key)).size).toBe(1);
    expect(await alertRows(s.ctx.db, 'database_connection')).toEqual([expect.objectContaining({ status: 'resolved', firingNotifiedAt: expect.any(Date), resolvedNotifiedAt: expect.any(Date) })]);
    await h.stop();
  });

  it('goes on probing while the receiver holds its answer, and stores the outage once that post has settled', async () => {
    const { state, ping } = fakePing();
    const h = processWith(ping);
    receiver.hold();
    state.up = false;
    await probeAll(T0, h);
    await probeAll(T0 + 5_000, h);
    state.up = true;
    await probeAll(T0 + 10_000, h);
    await probeAll(T0 + 15_000, h);
    // Probing went on (the database is judged back); storing waits for the firing's answer.
    expect(h.snapshot()).toMatchObject({ consecutive_successes: 2, incident: { stored: false, notified: 'pending' } });
    expect(await alertRows(s.ctx.db)).toHaveLength(0);
    await receiver.arrived(1);
    expect(receiver.received).toHaveLength(1);

    receiver.release();
    await h.idle();
    await probeAll(T0 + 20_000, h);
    await h.idle();
    expect(bodies(receiver).map((b) => b.status)).toEqual(['firing', 'resolved']);
    expect(await alertRows(s.ctx.db, 'database_connection')).toEqual([
      expect.objectContaining({ status: 'resolved', firedAt: new Date(T0 + 5_000), resolvedAt: new Date(T0 + 15_000), firingNotifiedAt: expect.any(Date) }),
    ]);
    await h.stop();
  });

  it('two processes that see one outage each post the firing under one incident key; one row, one recovery', async () => {
    const { a, b, ha, hb } = await twoProcesses();
    a.state.up = b.state.up = false;
    // Their probes fail a few seconds apart, as two processes' timers would.
    await probeAll(T0 + 5_000, ha);
    await probeAll(T0 + 7_000, hb);
    await probeAll(T0 + 10_000, ha);
    await probeAll(T0 + 12_000, hb);
    await Promise.all([ha.idle(), hb.idle()]);
    expect(firings(receiver)).toHaveLength(2);
    expect(new Set(firings(receiver).map((f) => f.incident_key))).toEqual(new Set(['database_connection:after:none']));

    a.state.up = b.state.up = true;
    await probeAll(T0 + 15_000, ha, hb);
    await probeAll(T0 + 20_000, ha, hb);
    await Promise.all([ha.idle(), hb.idle()]);
    const rows = await alertRows(s.ctx.db, 'database_connection');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved', details: { incident_key: 'database_connection:after:none' } });
    expect(recoveries(receiver)).toEqual([expect.objectContaining({ incident_key: 'database_connection:after:none' })]);
    expect(firings(receiver)).toHaveLength(2);
    await Promise.all([ha.stop(), hb.stop()]);
  });

  /** One outage seen by `seen`, stored and resolved; returns the row's id. */
  const outage = async (start: number, seen: { h: DatabaseHealth; state: { up: boolean } }[]) => {
    for (const p of seen) p.state.up = false;
    for (const t of [0, 5_000]) await probeAll(start + t, ...seen.map((p) => p.h));
    await Promise.all(seen.map((p) => p.h.idle()));
    for (const p of seen) p.state.up = true;
    for (const t of [10_000, 15_000]) await probeAll(start + t, ...seen.map((p) => p.h));
    await Promise.all(seen.map((p) => p.h.idle()));
    return (await alertRows(s.ctx.db, 'database_connection')).at(-1)!.id;
  };

  it('gives the next outage a new key, which a process that did not see the last one learns within a minute', async () => {
    const { a, b, ha, hb } = await twoProcesses();
    // Only A loses the database (its own network, say).
    const first = await outage(T0 + 5_000, [{ h: ha, ...a }]);
    // B reads the last stored outage again after a minute of answers.
    await probeAll(T0 + 61_000, ha, hb);
    receiver.received.length = 0;
    const second = await outage(T0 + 70_000, [{ h: ha, ...a }, { h: hb, ...b }]);
    expect(second).not.toBe(first);
    expect(firings(receiver).map((f) => f.incident_key)).toEqual([`database_connection:after:${first}`, `database_connection:after:${first}`]);
    expect(recoveries(receiver).map((r) => r.incident_key)).toEqual([`database_connection:after:${first}`]);
    expect(await alertRows(s.ctx.db, 'database_connection')).toHaveLength(2);
    await Promise.all([ha.stop(), hb.stop()]);
  });

  it('when two processes announced one outage under different keys, each key gets its recovery', async () => {
    const { a, b, ha, hb } = await twoProcesses();
    const first = await outage(T0 + 5_000, [{ h: ha, ...a }]);
    // Within the minute: B has not read that outage yet, so it names the next one otherwise.
    receiver.received.length = 0;
    await outage(T0 + 30_000, [{ h: ha, ...a }, { h: hb, ...b }]);
    const keys = new Set([`database_connection:after:${first}`, 'database_connection:after:none']);
    expect(new Set(firings(receiver).map((f) => f.incident_key))).toEqual(keys);
    expect(new Set(recoveries(receiver).map((r) => r.incident_key))).toEqual(keys);
    expect(recoveries(receiver)).toHaveLength(2);
    expect(await alertRows(s.ctx.db, 'database_connection')).toHaveLength(2);
    await Promise.all([ha.stop(), hb.stop()]);
  });
});

// A real outage: PostgreSQL behind a proxy the test cuts, probed through real pings, notified to a real loopback receiver.
describe.skipIf(!process.env.TEST_DATABASE_URL)('database outage notifications through a real outage on postgres', () => {
  let proxy: TcpProxy;
  let server: RunningServer;
  let second: Database;
  let receiver: AlertReceiver;
  let dispose: (() => Promise<void>) | undefined;
  let clock = T0;
  /** Whether the proxy was still cut when each post arrived, in arrival order. */
  const cutAtArrival: boolean[] = [];

  beforeAll(async () => {
    receiver = await startAlertReceiver({ onPost: () => cutAtArrival.push(proxy.isCut()) });
    const behind = await openPostgresBehindProxy();
    ({ proxy, dispose } = behind);
    const config = makeTestConfig({ port: 0, host: '127.0.0.1', alertWebhookUrl: receiver.url });
    server = await startServer({ config, logger: createLogger({ debug: false, level: 'silent' }), database: behind.database, background: false });
    await server.ctx.projections.stop();
    // The server's own 5 s probe would see the cut too; the test's probes are the ones it drives.
    await server.ctx.dbHealth.stop();
    // A second process's connections to the same database, through the same proxy.
    second = await openDatabase({ driver: 'postgres', url: behind.url, prepare: true });
  });
  afterAll(async () => {
    proxy?.restore();
    await second?.close();
    await server?.close();
    await receiver?.close();
    await dispose?.();
  });
  beforeEach(async () => {
    clock = T0;
    receiver.received.length = 0;
    cutAtArrival.length = 0;
    receiver.failNext(0);
    await clearAlertData(server.ctx.db);
  });
  afterEach(() => proxy.restore());

  const processOn = (database: Database) =>
    new DatabaseHealth({
      db: database.db,
      logger: server.ctx.logger,
      now: () => clock,
      config: server.ctx.config,
      rule: { ...rule, probeTimeoutMs: 1_000 },
      ping: () => database.ping(),
      notifyRetry: fast,
    });
  const probeAll = async (hs: DatabaseHealth[]) => {
    clock += 5_000;
    await Promise.all(hs.map((h) => h.probe()));
  };
  /** After a restore, probes (5 s apart on the test's clock) until every process has stored and resolved its outage. */
  const probeUntilRecorded = async (hs: DatabaseHealth[]) => {
    for (let i = 0; i < 40 && hs.some((h) => h.hasOpenIncident()); i++) {
      await probeAll(hs);
      // The driver reconnects in its own time.
      if (hs.some((h) => h.snapshot().consecutive_failures > 0)) await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(hs.map((h) => h.idle()));
  };
  const countRows = async () => (await alertRows(server.ctx.db, 'database_connection')).length;
  const countRowsOnceReachable = async () => {
    for (let i = 0; ; i++) {
      try {
        return await countRows();
      } catch (e) {
        if (i >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  it('posts the firing while the proxy is still cut; after restore, one row with the in-memory fired_at, one recovery, the firing once', { timeout: 60_000 }, async () => {
    const h = processOn(server.ctx.database);
    await probeAll([h]);
    proxy.cut();
    await probeAll([h]);
    await probeAll([h]);
    await h.idle();
    const firing = h.snapshot();
    expect(firing).toMatchObject({ state: 'firing', incident: { stored: false, notified: 'sent' } });
    expect(cutAtArrival).toEqual([true]);
    expect(firings(receiver)).toEqual([expect.objectContaining({ incident_key: firing.incident!.incident_key })]);

    proxy.restore();
    // Back, but no probe has run since: nothing was written during the outage.
    expect(await countRowsOnceReachable()).toBe(0);
    await probeUntilRecorded([h]);

    const rows = await alertRows(server.ctx.db, 'database_connection');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved', firedAt: new Date(firing.incident!.fired_at), firingNotifiedAt: expect.any(Date), resolvedNotifiedAt: expect.any(Date) });
    expect(firings(receiver)).toHaveLength(1);
    expect(recoveries(receiver)).toEqual([expect.objectContaining({ incident_key: firing.incident!.incident_key })]);
    expect(cutAtArrival).toEqual([true, false]);
    await h.stop();
  });

  it('two processes behind the same proxy: each posts the firing during the cut, under one key; one row, one recovery', { timeout: 60_000 }, async () => {
    const hs = [processOn(server.ctx.database), processOn(second)];
    await probeAll(hs);
    proxy.cut();
    await probeAll(hs);
    await probeAll(hs);
    await Promise.all(hs.map((h) => h.idle()));
    expect(cutAtArrival).toEqual([true, true]);
    const keys = firings(receiver).map((f) => f.incident_key);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);

    proxy.restore();
    expect(await countRowsOnceReachable()).toBe(0);
    await probeUntilRecorded(hs);
    expect(await countRows()).toBe(1);
    expect(recoveries(receiver)).toEqual([expect.objectContaining({ incident_key: keys[0] })]);
    expect(firings(receiver)).toHaveLength(2);
    await Promise.all(hs.map((h) => h.stop()));
  });

  it('with the receiver down during the outage, the firing is delivered after the restore through the stored path', { timeout: 60_000 }, async () => {
    const h = processOn(server.ctx.database);
    await probeAll([h]);
    receiver.failNext(3, 503);
    proxy.cut();
    await probeAll([h]);
    await probeAll([h]);
    await h.idle();
    expect(receiver.received.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(h.snapshot().incident).toMatchObject({ stored: false, notified: 'failed' });

    proxy.restore();
    await probeUntilRecorded([h]);
    const delivered = bodies(receiver).filter((_, i) => receiver.received[i]!.status === 200);
    expect(delivered.map((b) => b.status)).toEqual(['firing', 'resolved']);
    expect(cutAtArrival).toEqual([true, true, true, false, false]);
    expect(new Set(bodies(receiver).map((b) => b.incident_key)).size).toBe(1);
    const rows = await alertRows(server.ctx.db, 'database_connection');
    expect(rows).toEqual([expect.objectContaining({ status: 'resolved', firingNotifiedAt: expect.any(Date), resolvedNotifiedAt: expect.any(Date) })]);
    await h.stop();
  });
});
