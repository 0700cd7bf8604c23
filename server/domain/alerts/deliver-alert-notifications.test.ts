import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { DEFAULT_ALERT_RULES } from './alert-rules';
import { type AlertReceiver, alertRows, at, clearAlertData, MIN, seedEvents, startAlertReceiver } from '../../test-support/alert-test-support';
import { DatabaseHealth } from './database-health';
import { deliverAlertNotifications } from './deliver-alert-notifications';
import { evaluateAlerts } from './evaluate-alerts';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const fast = { backoffMs: 10, timeoutMs: 2_000 };

describe.each(testDrivers)('alert notifications on %s', (driver) => {
  let s: TestServer;
  let receiver: AlertReceiver;
  let clock = T0.getTime();
  const deliver = (now: Date, retry = fast) => deliverAlertNotifications({ ctx: s.ctx, input: { now, retry } });

  beforeAll(async () => {
    receiver = await startAlertReceiver();
    s = await startTestServer(driver, { alertWebhookUrl: receiver.url }, { now: () => clock });
    await s.ctx.projections.stop();
  });
  afterAll(async () => {
    await s?.ctx.dbHealth.stop();
    await s?.stop();
    await receiver?.close();
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.failNext(0);
    await clearAlertData(s.ctx.db);
  });

  const fireBacklog = async () => {
    await seedEvents(s.ctx.db, at(T0, -MIN), 120, 'pending');
    await evaluateAlerts({ ctx: s.ctx, input: { now: T0 } });
  };
  const recoverBacklog = async (now: Date) => {
    await s.ctx.db.update(webhookEvents).set({ processingStatus: 'processed' }).where(eq(webhookEvents.processingStatus, 'pending'));
    await evaluateAlerts({ ctx: s.ctx, input: { now } });
  };

  it('posts a firing once, retrying after a 500, then the recovery once', async () => {
    await fireBacklog();
    receiver.failNext(1);
    expect(await deliver(T0)).toEqual({ sent: 1, failed: 0 });
    expect(receiver.received.map((r) => r.status)).toEqual([500, 200]);
    const firing = receiver.received[1]!.body as { text: string; attachments: { color: string; fields: { title: string; value: string }[] }[] };
    expect(firing.text).toMatch(/^\[FIRING\] warning: Unprocessed event backlog\. Unprocessed event backlog 120 /);
    expect(firing.attachments[0]!.fields).toContainEqual({ title: 'Value', value: '120', short: true });
    expect(receiver.received[0]!.body).toEqual(receiver.received[1]!.body);
    expect((await alertRows(s.ctx.db, 'event_backlog'))[0]).toMatchObject({ firingNotifiedAt: T0, resolvedNotifiedAt: null });

    // Sent once: later runs (and another evaluation while still firing) post nothing.
    await evaluateAlerts({ ctx: s.ctx, input: { now: at(T0, MIN) } });
    expect(await deliver(at(T0, MIN))).toEqual({ sent: 0, failed: 0 });
    expect(receiver.received).toHaveLength(2);

    const t1 = at(T0, 2 * MIN);
    await recoverBacklog(t1);
    expect(await deliver(t1)).toEqual({ sent: 1, failed: 0 });
    expect(receiver.received).toHaveLength(3);
    const recovery = receiver.received[2]!.body as { text: string; attachments: { fields: { title: string; value: string }[] }[] };
    expect(recovery.text).toMatch(/^\[RESOLVED\] Unprocessed event backlog\./);
    expect(recovery.attachments[0]!.fields).toContainEqual({ title: 'Duration', value: '2 min', short: true });
    expect((await alertRows(s.ctx.db, 'event_backlog'))[0]).toMatchObject({ status: 'resolved', resolvedNotifiedAt: t1 });
    expect(await deliver(at(t1, MIN))).toEqual({ sent: 0, failed: 0 });
    expect(receiver.received).toHaveLength(3);
  });

  it('sends once when two processes deliver at the same moment', async () => {
    await fireBacklog();
    const [a, b] = await Promise.all([deliver(T0), deliver(T0)]);
    expect(a.sent + b.sent).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('gives up after three tries, releases the claim, and sends on the next run; no recovery before its firing', async () => {
    await fireBacklog();
    receiver.failNext(3);
    expect(await deliver(T0)).toEqual({ sent: 0, failed: 1 });
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 500]);
    expect((await alertRows(s.ctx.db, 'event_backlog'))[0]!.firingNotifiedAt).toBeNull();

    // It recovered meanwhile: the firing is announced first, then the recovery.
    const t1 = at(T0, MIN);
    await recoverBacklog(t1);
    expect(await deliver(t1)).toEqual({ sent: 2, failed: 0 });
    expect(receiver.received.slice(3).map((r) => (r.body.text as string).slice(0, 10))).toEqual(['[FIRING] w', '[RESOLVED]']);
  });

  it('does not retry an answer that will not change (404), and never posts a secret', async () => {
    await fireBacklog();
    receiver.failNext(1, 404);
    expect(await deliver(T0)).toEqual({ sent: 0, failed: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(await deliver(T0)).toEqual({ sent: 1, failed: 0 });
    const text = JSON.stringify(receiver.received);
    for (const secret of [...s.config.webhook.secrets, s.config.opal.authKey, receiver.url]) expect(text).not.toContain(secret);
  });

  it('does not announce old transitions late', async () => {
    await fireBacklog();
    expect(await deliverAlertNotifications({ ctx: s.ctx, input: { now: at(T0, 2 * 60 * MIN), retry: fast } })).toEqual({ sent: 0, failed: 0 });
    expect(receiver.received).toHaveLength(0);
  });

  it('announces a database outage judged in memory at once, and its recovery once it is stored', async () => {
    let up = false;
    // Never started: the test drives every probe.
    const h = new DatabaseHealth({
      db: s.ctx.db,
      logger: s.ctx.logger,
      now: s.ctx.now,
      config: s.ctx.config,
      rule: DEFAULT_ALERT_RULES.database_connection,
      ping: async () => { if (!up) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' }); },
    });
    for (const t of [0, 5_000]) {
      clock = T0.getTime() + t;
      await h.probe();
    }
    // The firing is posted in the background, from memory; idle() waits for it.
    await h.idle();
    expect(receiver.received.map((r) => r.body.text as string)).toEqual([expect.stringMatching(/^\[FIRING\] critical: Database connection failures\./)]);
    up = true;
    for (const t of [10_000, 15_000]) {
      clock = T0.getTime() + t;
      await h.probe();
    }
    await h.stop();
    const texts = receiver.received.map((r) => r.body.text as string);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/^\[RESOLVED\] Database connection failures\./);
    expect((await alertRows(s.ctx.db, 'database_connection'))[0]).toMatchObject({ status: 'resolved', firingNotifiedAt: expect.any(Date), resolvedNotifiedAt: expect.any(Date) });
  });
});

describe.each(testDrivers)('alert notifications without ALERT_WEBHOOK_URL on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
    await s.ctx.projections.stop();
  });
  afterAll(async () => {
    await s?.ctx.dbHealth.stop();
    await s?.stop();
  });

  it('sends nothing and claims nothing', async () => {
    await seedEvents(s.ctx.db, at(T0, -MIN), 120, 'pending');
    await evaluateAlerts({ ctx: s.ctx, input: { now: T0 } });
    expect(await deliverAlertNotifications({ ctx: s.ctx, input: { now: T0 } })).toEqual({ sent: 0, failed: 0 });
    expect((await alertRows(s.ctx.db, 'event_backlog'))[0]).toMatchObject({ status: 'firing', firingNotifiedAt: null });
  });
});
