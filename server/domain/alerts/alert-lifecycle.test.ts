import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertNotificationSchema, type AlertNotification } from '../../contracts/alert-notification';
import { alertEvents, webhookEvents } from '../../db/schema';
import { type AlertReceiver, alertRows, at, MIN, seedEvents } from '../../test-support/alert-test-support';
import { asCaller, auditRowsOf, clearLifecycleData, historyOf, operator, otherOperator, startNotifyingServer, stopNotifyingServer, viewer } from '../../test-support/alert-lifecycle-support';
import { testDrivers } from '../../test-support/test-database';
import type { TestServer } from '../../test-support/test-server';
import { decodeNotices, LIVE_CHANNEL } from '../live/change-notice';
import { acknowledgeAlert } from './acknowledge-alert';
import { DEFAULT_ALERT_RULES } from './alert-rules';
import { DatabaseHealth } from './database-health';
import { deliverAlertNotifications } from './deliver-alert-notifications';
import { evaluateAlerts } from './evaluate-alerts';
import { liftSilence } from './lift-silence';
import { listAlerts } from './list-alerts';
import { silenceAlertRule } from './silence-alert-rule';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const fast = { backoffMs: 10, timeoutMs: 2_000 };
const RULE = 'event_backlog';

describe.each(testDrivers)('alert lifecycle on %s', (driver) => {
  let s: TestServer;
  let receiver: AlertReceiver;
  let clock = T0.getTime();
  const bodies = (): AlertNotification[] => receiver.received.map((p) => alertNotificationSchema.parse(p.body));
  const deliver = (now = new Date(clock)) => deliverAlertNotifications({ ctx: s.ctx, input: { now, retry: fast } });
  const evaluate = (now: Date) => {
    clock = now.getTime();
    return evaluateAlerts({ ctx: s.ctx, input: { now } });
  };
  const as = (caller = operator) => asCaller(s.ctx, caller);
  const fire = async (now = T0) => {
    await seedEvents(s.ctx.db, at(now, -MIN), 120, 'pending');
    await evaluate(now);
    return (await alertRows(s.ctx.db, RULE)).find((a) => a.status === 'firing')!;
  };
  const recover = async (now: Date) => {
    await s.ctx.db.update(webhookEvents).set({ processingStatus: 'processed' }).where(eq(webhookEvents.processingStatus, 'pending'));
    await evaluate(now);
  };

  beforeAll(async () => {
    ({ s, receiver } = await startNotifyingServer(driver, () => clock));
  });
  afterAll(() => stopNotifyingServer(s, receiver));
  beforeEach(async () => {
    clock = T0.getTime();
    receiver.received.length = 0;
    receiver.failNext(0);
    await clearLifecycleData(s.ctx.db);
  });

  it('pushes every transition to the consoles once committed: fired, acknowledged, silenced, lifted, resolved', async () => {
    const heard: string[] = [];
    const unlisten = await s.ctx.database.listen(LIVE_CHANNEL, (p) => heard.push(...decodeNotices(p).filter((n) => n.kind === 'alerts').map((n) => ('ids' in n ? (n.ids ?? []).join() : ''))));
    try {
      const alert = await fire();
      await acknowledgeAlert({ ctx: as(), input: { alert_id: alert.id } });
      const { silence } = await silenceAlertRule({ ctx: as(), input: { rule: RULE, duration_minutes: 60, reason: 'known backlog' } });
      await liftSilence({ ctx: as(), input: { silence_id: silence.id } });
      await recover(at(T0, 5 * MIN));
      for (const start = Date.now(); heard.length < 5 && Date.now() - start < 5000; ) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toEqual([alert.id, alert.id, alert.id, alert.id, alert.id]);
    } finally {
      await unlisten();
    }
  });

  it('acknowledges a firing alert with who and a note: history, audit, and one "acknowledged by" notice under the incident key', async () => {
    const alert = await fire();
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    clock = at(T0, MIN).getTime();
    const { alert: acked } = await acknowledgeAlert({ ctx: as(), input: { alert_id: alert.id, note: '  Looking at it  ' } });
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledged_by: operator.name, acknowledge_note: 'Looking at it', acknowledged_at: at(T0, MIN).toISOString() });
    expect(acked.history.map((h) => h.kind)).toEqual(['fired', 'acknowledged']);
    expect(await historyOf(s.ctx.db, RULE)).toMatchObject([
      { kind: 'fired', actor: 'system' },
      { kind: 'acknowledged', actor: operator.name, note: 'Looking at it', notifyState: 'due' },
    ]);
    expect(await auditRowsOf(s.ctx, 'alert.')).toMatchObject([
      { actor: 'system', action: 'alert.fired' },
      { actor: operator.name, action: 'alert.acknowledge', target: `${RULE}:${alert.id}`, details: { note: 'Looking at it' } },
    ]);

    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    const [firing, notice] = bodies();
    expect(notice).toMatchObject({ status: 'firing', event: 'acknowledged', incident_key: firing!.incident_key, text: expect.stringMatching(/^\[ACKNOWLEDGED\] .*acknowledged by otto@example\.test: Looking at it$/) });
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });

    // The same caller again: the same state, nothing recorded twice.
    const again = await acknowledgeAlert({ ctx: as(), input: { alert_id: alert.id } });
    expect(again.alert).toMatchObject({ state: 'acknowledged', acknowledged_by: operator.name, acknowledge_note: 'Looking at it' });
    expect(await historyOf(s.ctx.db, RULE)).toHaveLength(2);
    expect(await auditRowsOf(s.ctx, 'alert.acknowledge')).toHaveLength(1);
    await expect(acknowledgeAlert({ ctx: as(otherOperator), input: { alert_id: alert.id } })).rejects.toMatchObject({ kind: 'Conflict', message: expect.stringContaining(operator.name) });
  });

  it('refuses unknown, resolved and badly noted alerts, and a viewer (with an audit row), storing nothing', async () => {
    const alert = await fire();
    await expect(acknowledgeAlert({ ctx: as(), input: { alert_id: '00000000-0000-4000-8000-000000000000' } })).rejects.toMatchObject({ kind: 'NotFound' });
    await expect(acknowledgeAlert({ ctx: as(), input: { alert_id: 'not-a-uuid' } })).rejects.toMatchObject({ kind: 'Validation' });
    await expect(acknowledgeAlert({ ctx: as(), input: { alert_id: alert.id, note: 'x'.repeat(501) } })).rejects.toMatchObject({ kind: 'Validation' });
    await expect(acknowledgeAlert({ ctx: as(viewer), input: { alert_id: alert.id } })).rejects.toMatchObject({ kind: 'Forbidden' });
    await expect(silenceAlertRule({ ctx: as(viewer), input: { rule: RULE, duration_minutes: 60, reason: 'r' } })).rejects.toMatchObject({ kind: 'Forbidden' });
    const refusals = await auditRowsOf(s.ctx, 'auth.forbidden');
    expect(refusals.map((r) => `${r.actor}:${r.outcome}:${(r.details as { verb: string }).verb}`).sort()).toEqual([
      `${viewer.name}:failure:alerts.acknowledge`,
      `${viewer.name}:failure:alerts.silence`,
    ]);
    await recover(at(T0, MIN));
    await expect(acknowledgeAlert({ ctx: as(), input: { alert_id: alert.id } })).rejects.toMatchObject({ kind: 'Conflict', title: 'Alert Resolved' });
    expect((await historyOf(s.ctx.db, RULE)).map((h) => h.kind)).toEqual(['fired', 'resolved']);
    expect(await auditRowsOf(s.ctx, 'alert.acknowledge')).toHaveLength(0);
  });

  it('a silenced rule keeps evaluating and storing firings, but posts nothing until the silence expires; then what still fires is posted', async () => {
    const first = await fire();
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    const { silence } = await silenceAlertRule({ ctx: as(), input: { rule: RULE, duration_minutes: 60, reason: 'Backfill running' } });
    expect(silence).toMatchObject({ rule: RULE, reason: 'Backfill running', created_by: operator.name, ends_at: at(T0, 60 * MIN).toISOString(), ended_at: null });
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    expect(bodies()[1]).toMatchObject({
      event: 'silenced',
      incident_key: bodies()[0]!.incident_key,
      text: expect.stringContaining(`silenced until ${at(T0, 60 * MIN).toISOString()} by otto@example.test: Backfill running`),
    });

    // The incident the receiver heard of is closed, silence or not; a new one during the silence is stored, not posted.
    await recover(at(T0, 5 * MIN));
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    expect(bodies()[2]).toMatchObject({ status: 'resolved', incident_key: bodies()[0]!.incident_key });
    const second = await fire(at(T0, 10 * MIN));
    expect(second.id).not.toBe(first.id);
    const listed = await listAlerts({ ctx: as(viewer), input: {} });
    expect(listed.alerts[0]).toMatchObject({ id: second.id, state: 'silenced', silence: { id: silence.id } });
    expect(listed.silences.map((x) => x.id)).toEqual([silence.id]);
    await acknowledgeAlert({ ctx: as(), input: { alert_id: second.id } });
    await evaluate(at(T0, 30 * MIN));
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });
    expect(receiver.received).toHaveLength(3);
    expect((await alertRows(s.ctx.db, RULE)).find((a) => a.id === second.id)).toMatchObject({ firingSuppressedBy: silence.id });

    // Expired: recorded by the evaluation (history and audit, by the system), and the firing that is still on is posted.
    await evaluate(at(T0, 61 * MIN));
    expect((await historyOf(s.ctx.db, RULE)).map((h) => `${h.kind}:${h.actor}`)).toEqual([
      'fired:system',
      'silenced:otto@example.test',
      'resolved:system',
      'fired:system',
      'acknowledged:otto@example.test',
      'silence_expired:system',
    ]);
    expect(await auditRowsOf(s.ctx, 'alert.silence')).toMatchObject([
      { action: 'alert.silence', actor: operator.name, details: { reason: 'Backfill running' } },
      { action: 'alert.silence_expired', actor: 'system', details: { reason: 'Backfill running' } },
    ]);
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    expect(bodies()[3]).toMatchObject({ status: 'firing', incident_key: `${RULE}:${second.id}`, text: expect.stringMatching(/^\[FIRING\]/) });
    expect((await listAlerts({ ctx: as(viewer), input: {} })).alerts[0]).toMatchObject({ state: 'acknowledged', silence: null });
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });
  });

  it('lifting a silence posts the swallowed firing; a second lift, an unknown silence and a second silence are refused', async () => {
    const { silence } = await silenceAlertRule({ ctx: as(), input: { rule: RULE, duration_minutes: 120, reason: 'Maintenance' } });
    await expect(silenceAlertRule({ ctx: as(), input: { rule: RULE, duration_minutes: 60, reason: 'again' } })).rejects.toMatchObject({ kind: 'Conflict' });
    await expect(silenceAlertRule({ ctx: as(), input: { rule: RULE, duration_minutes: 4, reason: 'r' } })).rejects.toMatchObject({ kind: 'Validation' });
    await expect(silenceAlertRule({ ctx: as(), input: { rule: RULE, duration_minutes: 60, reason: '   ' } })).rejects.toMatchObject({ kind: 'Validation' });
    await expect(silenceAlertRule({ ctx: as(), input: { rule: 'no_such_rule' as never, duration_minutes: 60, reason: 'r' } })).rejects.toMatchObject({ kind: 'Validation' });
    const alert = await fire(at(T0, MIN));
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });
    expect(receiver.received).toHaveLength(0);

    clock = at(T0, 2 * MIN).getTime();
    const lifted = await liftSilence({ ctx: as(), input: { silence_id: silence.id } });
    expect(lifted.silence).toMatchObject({ lifted_by: operator.name, lifted_at: at(T0, 2 * MIN).toISOString(), ended_at: at(T0, 2 * MIN).toISOString() });
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    expect(bodies()[0]).toMatchObject({ status: 'firing', incident_key: `${RULE}:${alert.id}` });
    expect((await historyOf(s.ctx.db, RULE)).map((h) => h.kind)).toEqual(['silenced', 'fired', 'silence_lifted']);
    expect(await auditRowsOf(s.ctx, 'alert.silence_lift')).toMatchObject([{ actor: operator.name, details: { reason: 'Maintenance', silence_id: silence.id } }]);

    await expect(liftSilence({ ctx: as(), input: { silence_id: silence.id } })).rejects.toMatchObject({ kind: 'Conflict' });
    await expect(liftSilence({ ctx: as(), input: { silence_id: '00000000-0000-4000-8000-000000000000' } })).rejects.toMatchObject({ kind: 'NotFound' });
    await expect(liftSilence({ ctx: as(viewer), input: { silence_id: silence.id } })).rejects.toMatchObject({ kind: 'Forbidden' });
    // A new silence once the old one ended; lifting while the receiver heard of the firing says "still firing".
    const { silence: next } = await silenceAlertRule({ ctx: as(), input: { rule: RULE, duration_minutes: 30, reason: 'Quiet please' } });
    await liftSilence({ ctx: as(), input: { silence_id: next.id } });
    expect(await deliver()).toEqual({ sent: 2, failed: 0 });
    expect(bodies().slice(1).map((b) => b.event)).toEqual(['silenced', 'silence_ended']);
    expect(bodies()[2]!.text).toMatch(/the silence was lifted by otto@example\.test and it still fires/);
  });

  it('retries a notice that failed, once, on the next delivery', async () => {
    const alert = await fire();
    await deliver();
    await acknowledgeAlert({ ctx: as(), input: { alert_id: alert.id } });
    receiver.failNext(3, 503);
    expect(await deliver()).toEqual({ sent: 0, failed: 1 });
    expect(await s.ctx.db.select({ state: alertEvents.notifyState }).from(alertEvents).where(eq(alertEvents.kind, 'acknowledged'))).toEqual([{ state: 'due' }]);
    const [a, b] = await Promise.all([deliver(), deliver()]);
    expect(a.sent + b.sent).toBe(1);
    // Three 503s, then the one post that arrived.
    expect(receiver.received.filter((x) => x.body.event === 'acknowledged').map((x) => x.status)).toEqual([503, 503, 503, 200]);
  });

  it('a silenced database rule posts nothing from memory during an outage: the silence last read decides, and the stored row records it', async () => {
    const { silence } = await silenceAlertRule({ ctx: as(), input: { rule: 'database_connection', duration_minutes: 60, reason: 'Failover drill' } });
    const state = { up: true };
    const h = new DatabaseHealth({
      db: s.ctx.db,
      logger: s.ctx.logger,
      now: () => clock,
      config: s.ctx.config,
      rule: DEFAULT_ALERT_RULES.database_connection,
      notifyRetry: fast,
      ping: async () => {
        if (!state.up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
    });
    const probe = async (t: number) => {
      clock = t;
      await h.probe();
    };
    await probe(T0.getTime()); // reads the silence while the database answers
    state.up = false;
    await probe(T0.getTime() + 5_000);
    await probe(T0.getTime() + 10_000);
    await h.idle();
    expect(h.snapshot().incident).toMatchObject({ notified: 'silenced' });
    state.up = true;
    await probe(T0.getTime() + 15_000);
    await probe(T0.getTime() + 20_000);
    await h.idle();
    expect(receiver.received).toHaveLength(0);
    const [row] = await alertRows(s.ctx.db, 'database_connection');
    expect(row).toMatchObject({ status: 'resolved', firingSuppressedBy: silence.id, resolvedSuppressedBy: silence.id });
    expect((await historyOf(s.ctx.db, 'database_connection')).map((x) => x.kind)).toEqual(['silenced', 'fired', 'resolved']);
  });
});
