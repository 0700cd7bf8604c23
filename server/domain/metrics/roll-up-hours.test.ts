import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourlyRollups, jobRuns, syncRequests, webhookEvents, workflows } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { eventRow, insertEvents, insertHttp, insertRejection, insertSync, insertWorkflow } from '../../test-support/metrics-test-seed';
import { ROLLUP_JOB } from './register-metrics-jobs';
import { rollUpHours } from './roll-up-hours';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-10T12:30:00Z');
const OLD = '2026-03-08T09:00:00.000Z'; // an old, complete hour
const QUIET = '2026-03-07T05:00:00.000Z'; // an old hour nothing touches
const RECENT = '2026-03-10T11:00:00.000Z';

describe.each(testDrivers)('the hourly rollup job on %s', (driver) => {
  let s: TestServer;
  let now = T0;
  const failedOldId: string[] = [];
  let workflowId = '';
  let syncId = '';

  const rowsOf = (hour: string) =>
    s.ctx.db
      .select({
        series: hourlyRollups.series,
        dimension: hourlyRollups.dimension,
        total: hourlyRollups.total,
        failures: hourlyRollups.failures,
        sumMs: hourlyRollups.sumMs,
        histogram: hourlyRollups.histogram,
        computedAt: hourlyRollups.computedAt,
      })
      .from(hourlyRollups)
      .where(eq(hourlyRollups.hour, new Date(hour)))
      .orderBy(asc(hourlyRollups.series), asc(hourlyRollups.dimension));
  const markerOf = async (hour: string) => (await rowsOf(hour)).find((r) => r.series === 'webhook_events' && r.dimension === '');
  const sum = (h: Record<string, number>) => Object.values(h).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    s = await startTestServer(driver, {}, { now: () => now });
    await s.ctx.projections.stop();
    const old = [
      eventRow({ at: '2026-03-08T09:10:00Z', ms: 100, agent: 'geo_audit' }),
      eventRow({ at: '2026-03-08T09:20:00Z', ms: 300, agent: 'geo_audit', type: 'agent.failed', outcome: 'failure' }),
      eventRow({ at: '2026-03-08T09:30:00Z', status: 'failed' }),
      eventRow({ at: '2026-03-08T09:40:00Z', status: 'failed' }),
    ];
    failedOldId.push(old[2]!.id);
    await insertEvents(s.ctx.db, [
      ...old,
      eventRow({ at: '2026-03-07T05:30:00Z', ms: 50 }),
      eventRow({ at: '2026-03-10T11:15:00Z', ms: 20 }),
      // The current hour is never rolled.
      eventRow({ at: '2026-03-10T12:15:00Z', ms: 20 }),
    ]);
    await insertRejection(s.ctx.db, '2026-03-08T09:05:00Z', 'invalid_signature');
    await insertRejection(s.ctx.db, '2026-03-08T09:06:00Z', 'rate_limited', 40);
    await insertHttp(s.ctx.db, '2026-03-08T09:01:00Z', 'POST /api/webhooks/opal-workflow', 202, 2, 30);
    await insertHttp(s.ctx.db, '2026-03-08T09:02:00Z', 'POST /api/webhooks/opal-workflow', 202, 3, 45);
    workflowId = await insertWorkflow(s.ctx.db, { at: '2026-03-06T08:10:00Z', status: 'running' });
    syncId = await insertSync(s.ctx.db, { at: '2026-03-06T10:10:00Z', status: 'pending' });
  });
  afterAll(() => s?.stop());

  it('rolls every complete hour of the window once, empty ones included, and the current hour as far as now', async () => {
    const r = await rollUpHours({ ctx: s.ctx });
    expect(r).toEqual({
      hours_rolled: 768,
      spans: 32,
      first_hour: new Date(T0 - 30 * 60_000 - 768 * HOUR).toISOString(),
      last_hour: RECENT,
      partial_hour: '2026-03-10T12:00:00.000Z',
    });
    const current = (await markerOf('2026-03-10T12:00:00.000Z'))!;
    expect(current).toMatchObject({ total: 1, sumMs: 20 });
    expect(current.computedAt.getTime()).toBe(T0);
    expect(await markerOf('2026-03-09T03:00:00.000Z')).toMatchObject({ total: 0, failures: 0, histogram: {} });

    const rows = await rowsOf(OLD);
    const marker = rows.find((x) => x.dimension === '' && x.series === 'webhook_events')!;
    expect(marker).toMatchObject({ total: 4, failures: 2, sumMs: 400 });
    expect(sum(marker.histogram)).toBe(2);
    expect(rows.map((x) => [x.series, x.dimension, x.total, x.failures])).toEqual([
      ['http', '202 POST /api/webhooks/opal-workflow', 5, 0],
      ['rejections', 'invalid_signature', 1, 0],
      ['rejections', 'rate_limited', 40, 0],
      ['webhook_events', '', 4, 2],
      ['webhook_events', 'agent:content_review', 2, 0],
      ['webhook_events', 'agent:geo_audit', 2, 1],
      ['webhook_events', 'event_type:agent.completed', 3, 2],
      ['webhook_events', 'event_type:agent.failed', 1, 0],
      ['webhook_events', 'outcome:failure', 1, 0],
      ['webhook_events', 'outcome:success', 3, 2],
    ]);
    expect(rows.find((x) => x.series === 'http')!.sumMs).toBe(75);
  });

  it('then recomputes only the last three hours, and an old hour once its failures change (a replay)', async () => {
    now = T0 + 60_000;
    const quietBefore = (await markerOf(QUIET))!.computedAt.getTime();
    expect(await rollUpHours({ ctx: s.ctx })).toMatchObject({ hours_rolled: 3, first_hour: '2026-03-10T09:00:00.000Z', last_hour: RECENT });

    // What replay does to a failed event: processed, with a processing time.
    await s.ctx.db
      .update(webhookEvents)
      .set({ processingStatus: 'processed', processingError: null, processingMs: 900, processedAt: new Date(now) })
      .where(inArray(webhookEvents.id, failedOldId));
    now += 60_000;
    expect(await rollUpHours({ ctx: s.ctx })).toMatchObject({ hours_rolled: 4, spans: 2, first_hour: OLD });
    const marker = (await markerOf(OLD))!;
    expect(marker).toMatchObject({ total: 4, failures: 1, sumMs: 1300 });
    expect(sum(marker.histogram)).toBe(3);
    expect(marker.computedAt.getTime()).toBe(now);
    expect((await markerOf(QUIET))!.computedAt.getTime()).toBe(quietBefore);
  });

  it('keeps recomputing an hour while it holds pending events', async () => {
    await s.ctx.db.update(webhookEvents).set({ processingStatus: 'pending', processedAt: null, processingMs: null }).where(inArray(webhookEvents.id, failedOldId));
    now += 60_000;
    expect((await rollUpHours({ ctx: s.ctx })).hours_rolled).toBe(4);
    now += 60_000;
    expect((await rollUpHours({ ctx: s.ctx })).hours_rolled).toBe(4);
    expect(await markerOf(OLD)).toMatchObject({ total: 4, failures: 1 });
  });

  it('recomputes an old hour whose workflow finished, or whose sync call ended, after it was rolled', async () => {
    const dims = async (hour: string, series: string) => (await rowsOf(hour)).filter((r) => r.series === series).map((r) => [r.dimension, r.total]);
    expect(await dims('2026-03-06T08:00:00.000Z', 'workflows')).toEqual([['status:running', 1]]);
    expect(await dims('2026-03-06T10:00:00.000Z', 'sync_requests')).toEqual([['status:pending', 1]]);
    now += 60_000;
    await s.ctx.db
      .update(workflows)
      .set({ status: 'completed', finishedAt: new Date('2026-03-06T08:40:00Z'), updatedAt: new Date(now) })
      .where(eq(workflows.workflowId, workflowId));
    await s.ctx.db
      .update(syncRequests)
      .set({ status: 'triggered', opalLatencyMs: 300, durationMs: 320, finishedAt: new Date(now) })
      .where(eq(syncRequests.syncId, syncId));
    now += 60_000;
    const r = await rollUpHours({ ctx: s.ctx });
    // The last three hours, the pending hour, and the two changed ones.
    expect(r).toMatchObject({ hours_rolled: 6, first_hour: '2026-03-06T08:00:00.000Z' });
    expect(await dims('2026-03-06T08:00:00.000Z', 'workflows')).toEqual([['end_to_end', 1], ['status:completed', 1]]);
    expect(await dims('2026-03-06T10:00:00.000Z', 'sync_requests')).toEqual([['duration', 1], ['opal_latency', 1], ['status:triggered', 1]]);
    // Once rolled after the change (and past the safety margin), they are left alone.
    now += 3 * 60_000;
    await rollUpHours({ ctx: s.ctx });
    now += 60_000;
    expect((await rollUpHours({ ctx: s.ctx })).hours_rolled).toBe(4);
  });

  it('rolls the hour that has just completed, as a job of the cluster scheduler', async () => {
    now = Date.parse('2026-03-10T13:00:30Z');
    await s.ctx.scheduler.tick();
    const [run] = await s.ctx.db
      .select({ result: jobRuns.lastResult, error: jobRuns.lastError })
      .from(jobRuns)
      .where(eq(jobRuns.job, ROLLUP_JOB));
    expect(run).toMatchObject({ error: null, result: { last_hour: '2026-03-10T12:00:00.000Z' } });
    expect(await markerOf('2026-03-10T12:00:00.000Z')).toMatchObject({ total: 1, failures: 0, sumMs: 20 });
    // The rows of one hour are unique per series and dimension (the primary key), whatever ran how often.
    const all = await s.ctx.db
      .select({ hour: hourlyRollups.hour })
      .from(hourlyRollups)
      .where(and(eq(hourlyRollups.series, 'webhook_events'), eq(hourlyRollups.dimension, '')));
    // 768 from the first run, 12:00 now complete, 13:00 as far as now.
    expect(all).toHaveLength(770);
  });
});
