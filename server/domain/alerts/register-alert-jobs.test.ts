import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRuns } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { type AlertReceiver, alertRows, at, MIN, seedEvents, startAlertReceiver } from '../../test-support/alert-test-support';
import { ALERT_JOB_NAME } from './register-alert-jobs';

const T0 = new Date('2026-03-01T10:00:00.000Z');

describe.each(testDrivers)('the alert job on %s', (driver) => {
  let s: TestServer;
  let receiver: AlertReceiver;
  let clock = T0.getTime();
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

  it('evaluates and notifies when the scheduler runs it, at most once a minute', async () => {
    await seedEvents(s.ctx.db, at(T0, -MIN), 120, 'pending');
    await s.ctx.scheduler.tick();
    expect((await alertRows(s.ctx.db, 'event_backlog'))[0]).toMatchObject({ status: 'firing', firedAt: T0, firingNotifiedAt: T0 });
    expect(receiver.received).toHaveLength(1);
    const [run] = await s.ctx.db.select({ lastResult: jobRuns.lastResult, lastError: jobRuns.lastError }).from(jobRuns).where(eq(jobRuns.job, ALERT_JOB_NAME));
    expect(run).toMatchObject({ lastError: null, lastResult: { firing: ['event_backlog'], changes: [{ rule: 'event_backlog', change: 'fired' }], notifications: { sent: 1, failed: 0 } } });

    // Thirty seconds on, the job is not due yet.
    clock = T0.getTime() + 30_000;
    await s.ctx.scheduler.tick();
    expect((await alertRows(s.ctx.db, 'event_backlog'))[0]!.lastEvaluatedAt).toEqual(T0);
    clock = T0.getTime() + 60_000;
    await s.ctx.scheduler.tick();
    expect((await alertRows(s.ctx.db, 'event_backlog'))[0]!.lastEvaluatedAt).toEqual(new Date(clock));
    expect(receiver.received).toHaveLength(1);
  });
});
