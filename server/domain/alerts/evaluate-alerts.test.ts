import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { alerts, webhookEvents } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { resolveAlertRules } from './alert-rules';
import {
  alertRows,
  at,
  clearAlertData,
  MIN,
  seedAuthFailure,
  seedEvents,
  seedRejection,
  seedSyncs,
  seedWorkflow,
} from '../../test-support/alert-test-support';
import { evaluateAlerts } from './evaluate-alerts';

const T0 = new Date('2026-03-01T10:00:00.000Z');

describe.each(testDrivers)('evaluateAlerts on %s', (driver) => {
  let s: TestServer;
  const evaluate = (now: Date, rules = resolveAlertRules()) => evaluateAlerts({ ctx: s.ctx, input: { now, rules } });
  const changeOf = async (now: Date, rule: string) => (await evaluate(now)).changes.find((c) => c.rule === rule)!;

  beforeAll(async () => {
    s = await startTestServer(driver);
    // Seeded rows must stay as seeded: no projection worker, no timed-out sweep.
    await s.ctx.projections.stop();
  });
  afterAll(async () => {
    await s?.ctx.dbHealth.stop();
    await s?.stop();
  });
  beforeEach(() => clearAlertData(s.ctx.db));

  it('fires nothing from two failed syncs (minimum sample), and nothing on an idle system', async () => {
    await seedSyncs(s.ctx.db, at(T0, -MIN), 2, 'failed');
    const r = await evaluate(T0);
    expect(r.changes.find((c) => c.rule === 'force_sync_success_rate')).toMatchObject({ change: 'insufficient_data', value: 0 });
    expect(r.firing).toEqual([]);
    expect(await alertRows(s.ctx.db)).toEqual([]);
  });

  it('fires the success-rate alert below 90%, keeps it at 91% (hysteresis), resolves it at 92% or better', async () => {
    const db = s.ctx.db;
    await seedSyncs(db, at(T0, -5 * MIN), 8, 'triggered');
    await seedSyncs(db, at(T0, -4 * MIN), 2, 'failed');
    // Pending syncs have no outcome yet and do not count.
    await seedSyncs(db, at(T0, -MIN), 5, 'pending');
    expect(await changeOf(T0, 'force_sync_success_rate')).toMatchObject({ change: 'fired', value: 80 });
    const [fired] = await alertRows(db, 'force_sync_success_rate');
    expect(fired).toMatchObject({
      severity: 'critical',
      status: 'firing',
      value: 80,
      threshold: 90,
      firedAt: T0,
      resolvedAt: null,
      lastEvaluatedAt: T0,
      details: { succeeded: 8, failed: 2, finished: 10, fire_threshold: 90, resolve_threshold: 92, window_ms: 15 * MIN },
    });
    expect(fired!.message).toMatch(/80\.0% over 15 min/);

    // 20 minutes on: the window holds 91 ok and 9 failed, between the two thresholds.
    const t1 = at(T0, 20 * MIN);
    await seedSyncs(db, at(t1, -2 * MIN), 91, 'triggered');
    await seedSyncs(db, at(t1, -2 * MIN), 9, 'failed');
    expect(await changeOf(t1, 'force_sync_success_rate')).toMatchObject({ change: 'still_firing', value: 91 });
    const [held] = await alertRows(db, 'force_sync_success_rate');
    expect(held).toMatchObject({ status: 'firing', firedAt: T0, lastEvaluatedAt: t1, value: 91, details: { worst_value: 80 } });

    const t2 = at(t1, 20 * MIN);
    await seedSyncs(db, at(t2, -2 * MIN), 23, 'triggered');
    await seedSyncs(db, at(t2, -2 * MIN), 2, 'failed');
    expect(await changeOf(t2, 'force_sync_success_rate')).toMatchObject({ change: 'resolved', value: 92 });
    const rows = await alertRows(db, 'force_sync_success_rate');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'resolved',
      firedAt: T0,
      resolvedAt: t2,
      details: { recovery: { at: t2.toISOString(), value: 92, reason: 'recovered' } },
    });
    // Resolved stays resolved; the next firing is a new row.
    expect(await changeOf(at(t2, MIN), 'force_sync_success_rate')).toMatchObject({ change: 'ok' });
  });

  it('holds a firing alert while data is too thin, then resolves it once no data has come for an hour', async () => {
    const db = s.ctx.db;
    await seedSyncs(db, at(T0, -MIN), 10, 'failed');
    expect(await changeOf(T0, 'force_sync_success_rate')).toMatchObject({ change: 'fired', value: 0 });
    expect(await changeOf(at(T0, 30 * MIN), 'force_sync_success_rate')).toMatchObject({ change: 'held' });
    expect((await alertRows(db, 'force_sync_success_rate'))[0]).toMatchObject({ status: 'firing', details: { held_because: expect.stringMatching(/not judged/) } });
    const later = at(T0, 61 * MIN);
    expect(await changeOf(later, 'force_sync_success_rate')).toMatchObject({ change: 'resolved', value: null });
    expect((await alertRows(db, 'force_sync_success_rate'))[0]).toMatchObject({
      status: 'resolved',
      resolvedAt: later,
      details: { recovery: { reason: 'no_data', message: expect.stringMatching(/^Resolved without data/) } },
    });
  });

  it('fires the response-time alert on P95 above 5 s and resolves it at 4 s', async () => {
    const db = s.ctx.db;
    await seedSyncs(db, at(T0, -MIN), 4, 'triggered', 1000);
    await seedSyncs(db, at(T0, -MIN), 2, 'triggered', 9000);
    expect(await changeOf(T0, 'force_sync_response_time')).toMatchObject({ change: 'fired', value: 9000 });
    expect((await alertRows(db, 'force_sync_response_time'))[0]).toMatchObject({ severity: 'warning', threshold: 5000, details: { unit: 'ms', finished: 6 } });
    const t1 = at(T0, 20 * MIN);
    await seedSyncs(db, at(t1, -MIN), 5, 'triggered', 4500);
    expect(await changeOf(t1, 'force_sync_response_time')).toMatchObject({ change: 'still_firing', value: 4500 });
    const t2 = at(t1, 20 * MIN);
    await seedSyncs(db, at(t2, -MIN), 5, 'failed', 3000);
    expect(await changeOf(t2, 'force_sync_response_time')).toMatchObject({ change: 'resolved', value: 3000 });
  });

  it('fires on an hour without webhook events while a workflow runs, not before, and resolves on the next event', async () => {
    const db = s.ctx.db;
    await seedEvents(db, at(T0, -90 * MIN), 3);
    // A sync triggered a minute ago is inside the grace period: its callbacks may still come.
    await seedSyncs(db, at(T0, -MIN), 1, 'triggered');
    expect(await changeOf(T0, 'webhook_silence')).toMatchObject({ change: 'insufficient_data' });
    await seedWorkflow(db, 'wf-running', 'running', at(T0, -90 * MIN));
    const fired = await changeOf(T0, 'webhook_silence');
    expect(fired).toMatchObject({ change: 'fired', value: 0 });
    expect(fired.message).toBe(
      'No webhook event received in the last 1 h while workflows are active (1 running, 0 timed out, 0 syncs awaiting callbacks); the last one 90 min ago.',
    );
    expect((await alertRows(db, 'webhook_silence'))[0]).toMatchObject({
      severity: 'critical',
      details: { last_event_at: at(T0, -90 * MIN).toISOString(), running_workflows: 1 },
    });
    const t1 = at(T0, 5 * MIN);
    await seedEvents(db, at(t1, -MIN), 1);
    expect(await changeOf(t1, 'webhook_silence')).toMatchObject({ change: 'resolved', value: 1 });
  });

  it('counts an aggregate audit row as details.count failed authentications', async () => {
    const db = s.ctx.db;
    await seedAuthFailure(db, at(T0, -2 * MIN));
    await seedAuthFailure(db, at(T0, -2 * MIN));
    await seedAuthFailure(db, at(T0, -MIN), 3);
    // Older than the 10 minute window: not counted.
    await seedAuthFailure(db, at(T0, -11 * MIN), 50);
    expect(await changeOf(T0, 'auth_failures')).toMatchObject({ change: 'ok', value: 5 });
    await seedAuthFailure(db, at(T0, -MIN));
    expect(await changeOf(T0, 'auth_failures')).toMatchObject({ change: 'fired', value: 6 });
    // Nine minutes on: three remain in the window (above the resolve threshold of 2).
    expect(await changeOf(at(T0, 8.5 * 60_000), 'auth_failures')).toMatchObject({ change: 'still_firing', value: 4 });
    expect(await changeOf(at(T0, 9.5 * 60_000), 'auth_failures')).toMatchObject({ change: 'resolved', value: 0 });
  });

  it('fires on more than 100 pending events and resolves at 50', async () => {
    const db = s.ctx.db;
    await seedEvents(db, at(T0, -MIN), 101, 'pending');
    await seedEvents(db, at(T0, -MIN), 20, 'processed');
    expect(await changeOf(T0, 'event_backlog')).toMatchObject({ change: 'fired', value: 101 });
    const pending = await db.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.processingStatus, 'pending'));
    await db.update(webhookEvents).set({ processingStatus: 'processed' }).where(inArray(webhookEvents.id, pending.slice(0, 40).map((p) => p.id)));
    expect(await changeOf(at(T0, MIN), 'event_backlog')).toMatchObject({ change: 'still_firing', value: 61 });
    await db.update(webhookEvents).set({ processingStatus: 'processed' }).where(inArray(webhookEvents.id, pending.slice(40, 51).map((p) => p.id)));
    expect(await changeOf(at(T0, 2 * MIN), 'event_backlog')).toMatchObject({ change: 'resolved', value: 50 });
  });

  it('fires on signature failures above 10% of deliveries (aggregate rows by occurrences, other refusals ignored)', async () => {
    const db = s.ctx.db;
    await seedEvents(db, at(T0, -MIN), 18);
    await seedRejection(db, at(T0, -MIN), 'invalid_signature');
    await seedRejection(db, at(T0, -MIN), 'stale_timestamp', 3);
    await seedRejection(db, at(T0, -MIN), 'malformed_body', 40);
    await seedRejection(db, at(T0, -MIN), 'rate_limited', 500);
    const fired = await changeOf(T0, 'signature_failure_rate');
    expect(fired).toMatchObject({ change: 'fired', value: 18.18 });
    expect((await alertRows(db, 'signature_failure_rate'))[0]).toMatchObject({
      details: { refused: 4, accepted: 18, by_reason: { invalid_signature: 1, stale_timestamp: 3 } },
    });
    const t1 = at(T0, 20 * MIN);
    await seedEvents(db, at(t1, -MIN), 29);
    await seedRejection(db, at(t1, -MIN), 'missing_signature');
    expect(await changeOf(t1, 'signature_failure_rate')).toMatchObject({ change: 'resolved', value: 3.33 });
  });

  it('fires when a workflow timed out, naming it, and resolves an hour later', async () => {
    const db = s.ctx.db;
    await seedWorkflow(db, 'wf-done', 'completed', at(T0, -MIN));
    await seedWorkflow(db, 'wf-late', 'timed_out', at(T0, -2 * MIN));
    const fired = await changeOf(T0, 'workflow_timed_out');
    expect(fired).toMatchObject({ change: 'fired', value: 1 });
    expect(fired.message).toContain('wf-late');
    expect(await changeOf(at(T0, 57 * MIN), 'workflow_timed_out')).toMatchObject({ change: 'still_firing' });
    expect(await changeOf(at(T0, 61 * MIN), 'workflow_timed_out')).toMatchObject({ change: 'resolved', value: 0 });
  });

  it('stores one firing when two evaluations run at once, and reports one recovery', async () => {
    const db = s.ctx.db;
    await seedEvents(db, at(T0, -MIN), 150, 'pending');
    const [a, b] = await Promise.all([evaluate(T0), evaluate(T0)]);
    const kinds = [a, b].map((r) => r.changes.find((c) => c.rule === 'event_backlog')!.change).sort();
    expect(kinds).toEqual(['already_firing', 'fired']);
    expect(await alertRows(db, 'event_backlog')).toHaveLength(1);
    expect(a.firing).toContain('event_backlog');
    expect(b.firing).toContain('event_backlog');

    await db.update(webhookEvents).set({ processingStatus: 'processed' });
    const [c, d] = await Promise.all([evaluate(at(T0, MIN)), evaluate(at(T0, MIN))]);
    const after = [c, d].map((r) => r.changes.find((x) => x.rule === 'event_backlog')!.change).sort();
    expect(after).toEqual(['ok', 'resolved']);
    const rows = await alertRows(db, 'event_backlog');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('resolved');
  });

  it('takes rule overrides: a lower minimum sample lets three syncs decide', async () => {
    await seedSyncs(s.ctx.db, at(T0, -MIN), 3, 'failed');
    const rules = resolveAlertRules({ force_sync_success_rate: { minSample: 3 } });
    const r = await evaluate(T0, rules);
    expect(r.changes.find((c) => c.rule === 'force_sync_success_rate')).toMatchObject({ change: 'fired', value: 0 });
  });

  it("closes a database-connection firing that its process never resolved, once it has gone stale", async () => {
    const id = randomUUID();
    await s.ctx.db.insert(alerts).values({
      id,
      rule: 'database_connection',
      severity: 'critical',
      status: 'firing',
      message: 'The database could not be reached.',
      firedAt: at(T0, -10 * MIN),
      lastEvaluatedAt: at(T0, -30_000),
    });
    expect((await evaluate(T0)).firing).toContain('database_connection');
    const r = await evaluate(at(T0, 2 * MIN));
    expect(r.changes.find((c) => c.rule === 'database_connection')).toMatchObject({ change: 'resolved' });
    expect(r.firing).not.toContain('database_connection');
    expect((await alertRows(s.ctx.db, 'database_connection'))[0]).toMatchObject({ status: 'resolved', details: { recovery: { reason: 'stale' } } });
  });
});
