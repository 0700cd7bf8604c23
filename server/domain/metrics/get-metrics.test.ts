import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsInputSchema, metricsOverviewSchema, type MetricsOverview } from '../../contracts/metrics';
import { hourlyRollups } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { getMetrics } from './get-metrics';
import {
  eventRow,
  exactPercentile,
  insertEvents,
  insertHttp,
  insertRejection,
  insertSync,
  insertWorkflow,
  processingTimes,
} from '../../test-support/metrics-test-seed';
import { rollUpHours } from './roll-up-hours';

const NOW = Date.parse('2026-03-10T12:30:00Z');
const OLD = '2026-03-08T09:20:00Z'; // two days back: in 7 d, not in 24 h
const B = '2026-03-10T10:00:00.000Z';
const C = '2026-03-10T11:00:00.000Z';
const D = '2026-03-10T12:00:00.000Z';

const q = (v: unknown) => metricsInputSchema.parse(v);
const at = <T extends { t: string }>(rows: T[], t: string) => rows.find((r) => r.t === t);
const within5 = (got: number | null, want: number) => {
  expect(got).not.toBeNull();
  expect(Math.abs(got! - want) / want).toBeLessThan(0.05);
};

describe.each(testDrivers)('the metrics service on %s', (driver) => {
  let s: TestServer;
  let now = NOW;
  /** Processing times of the processed events inside the 24-hour range. */
  const processedIn24h: number[] = [];

  beforeAll(async () => {
    s = await startTestServer(driver, {}, { now: () => now });
    // The seeded pending event must stay pending.
    await s.ctx.projections.stop();
    const db = s.ctx.db;
    const draw = processingTimes(7);
    const timed = (row: ReturnType<typeof eventRow>) => {
      if (row.processingMs != null) processedIn24h.push(row.processingMs);
      return row;
    };
    const min = (hour: string, i: number) => Date.parse(hour) + (i % 60) * 60_000 + 1000;
    const rows = [
      // Hour B: 434 events, 4 processing failures, 10 reported agent failures.
      ...Array.from({ length: 400 }, (_, i) => timed(eventRow({ at: min(B, i), agent: i % 2 ? 'geo_audit' : 'content_review', ms: draw() }))),
      ...Array.from({ length: 10 }, (_, i) => timed(eventRow({ at: min(B, i), type: 'agent.failed', agent: 'geo_audit', outcome: 'failure', ms: draw() }))),
      ...Array.from({ length: 4 }, (_, i) => eventRow({ at: min(B, i), status: 'failed' })),
      ...Array.from({ length: 20 }, (_, i) => timed(eventRow({ at: min(B, i), type: 'workflow.started', agent: null, outcome: 'in_progress', ms: draw() }))),
      // Hour C (11:40, inside the last hour too): 306 events, 6 reported failures.
      ...Array.from({ length: 300 }, () => timed(eventRow({ at: '2026-03-10T11:40:10Z', ms: draw() }))),
      ...Array.from({ length: 6 }, () => timed(eventRow({ at: '2026-03-10T11:40:20Z', type: 'agent.failed', outcome: 'failure', ms: draw() }))),
      // The current hour D: 50 processed, 1 pending.
      ...Array.from({ length: 50 }, () => timed(eventRow({ at: '2026-03-10T12:10:00Z', type: 'workflow.started', agent: null, outcome: 'in_progress', ms: draw() }))),
      eventRow({ at: '2026-03-10T12:10:30Z', type: 'agent.started', outcome: 'in_progress', status: 'pending' }),
      // Two days back.
      ...Array.from({ length: 100 }, () => eventRow({ at: OLD, agent: 'geo_audit', ms: draw() })),
      ...Array.from({ length: 2 }, () => eventRow({ at: OLD, status: 'failed' })),
    ];
    await insertEvents(db, rows);

    for (let i = 0; i < 5; i++) await insertRejection(db, '2026-03-10T10:20:00Z', 'invalid_signature');
    await insertRejection(db, '2026-03-10T11:05:00Z', 'rate_limited', 10);
    await insertRejection(db, '2026-03-10T12:05:00Z', 'malformed_body');
    await insertRejection(db, '2026-03-10T12:06:00Z', 'malformed_body');
    for (let i = 0; i < 3; i++) await insertRejection(db, OLD, 'stale_timestamp');

    await insertHttp(db, '2026-03-10T10:01:00Z', 'POST /api/webhooks/opal-workflow', 202, 400, 4000);
    await insertHttp(db, '2026-03-10T10:01:00Z', 'POST /api/webhooks/opal-workflow', 401, 5, 10);
    await insertHttp(db, '2026-03-10T11:30:00Z', 'GET /api/opal/sync/:sync_id', 200, 7, 70);
    await insertHttp(db, '2026-03-10T11:30:00Z', 'GET /api/opal/sync/:sync_id', 404, 3, 3);
    await insertHttp(db, '2026-03-10T12:10:00Z', 'POST /api/opal/sync', 200, 8, 800);
    await insertHttp(db, '2026-03-10T12:10:00Z', 'POST /api/opal/sync', 502, 2, 3000);
    await insertHttp(db, OLD, 'POST /api/webhooks/opal-workflow', 202, 100, 1000);

    for (let i = 1; i <= 8; i++) await insertSync(db, { at: '2026-03-10T10:30:00Z', status: 'triggered', opalLatencyMs: i * 100, durationMs: i * 100 + 50 });
    for (let i = 0; i < 2; i++) await insertSync(db, { at: '2026-03-10T12:20:00Z', status: 'failed', durationMs: 10_000 });
    await insertSync(db, { at: '2026-03-10T12:25:00Z', status: 'pending' });
    await insertSync(db, { at: OLD, status: 'triggered', opalLatencyMs: 5000, durationMs: 5000 });

    for (const secs of [60, 120, 180, 240, 300, 600]) await insertWorkflow(db, { at: '2026-03-10T10:05:00Z', status: 'completed', durationMs: secs * 1000 });
    await insertWorkflow(db, { at: '2026-03-10T10:05:00Z', status: 'failed' });
    await insertWorkflow(db, { at: '2026-03-10T10:05:00Z', status: 'timed_out' });
    await insertWorkflow(db, { at: '2026-03-10T11:10:00Z', status: 'running' });
    await insertWorkflow(db, { at: '2026-03-10T11:10:00Z', status: 'running' });
    await insertWorkflow(db, { at: OLD, status: 'running' });
    await insertWorkflow(db, { at: OLD, status: 'completed', durationMs: 1000 });
  });
  afterAll(() => s?.stop());

  let live: MetricsOverview;

  it('answers the 24-hour key metrics against their targets, with exact counts and rates', async () => {
    live = await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) });
    expect(metricsOverviewSchema.parse(live)).toEqual(live);
    expect(live.range).toEqual({ preset: '24h', from: '2026-03-09T12:00:00.000Z', to: '2026-03-10T12:30:00.000Z', bucket_ms: 3_600_000 });
    const k = live.key_metrics;
    expect(live.totals).toEqual({
      webhook_events: 791,
      processing_failures: 4,
      reported_failures: 16,
      refused_deliveries: 17,
      signature_failures: 5,
      http_requests: 425,
      force_syncs: 11,
      workflows_started: 10,
    });
    expect(k.force_sync_success_rate).toEqual({ value: 80, target: 95, ok: false, total: 10, succeeded: 8 });
    expect(k.event_processing_rate).toEqual({ value: 99.49, target: 99, ok: true, total: 790, succeeded: 786 });
    expect(k.webhook_acceptance_rate).toEqual({ value: 97.9, target: null, ok: null, total: 808, succeeded: 791 });
    expect(k.workflow_completion_rate).toEqual({ value: 75, target: 90, ok: false, total: 8, succeeded: 6 });
    expect(k.agent_success_rate).toEqual({ value: 97.78, target: 95, ok: true, total: 720, succeeded: 704 });
    expect(k.signature_failure_rate).toEqual({ value: 0.63, target: 10, ok: true });
    expect(live.signature_failure_rate).toBe(0.63);
    expect(live.agents).toEqual([
      { agent_id: 'content_review', total: 510, failures: 6, success_rate: 98.82 },
      { agent_id: 'geo_audit', total: 210, failures: 10, success_rate: 95.24 },
    ]);
    expect(live.active_workflows).toBe(3);
    expect(live.pending_events).toBe(1);
    expect(live.workflows_by_status).toEqual({ running: 2, completed: 6, failed: 1, timed_out: 1 });
    expect(live.rejections_by_reason).toEqual([
      { reason: 'rate_limited', count: 10 },
      { reason: 'invalid_signature', count: 5 },
      { reason: 'malformed_body', count: 2 },
    ]);
  });

  it('gives Opal latency, force sync answer time and end-to-end time within 5% of exact, with exact counts', () => {
    const k = live.key_metrics;
    expect(k.opal_call_latency).toMatchObject({ count: 8, avg: 450, target_ms: null, ok: null });
    within5(k.opal_call_latency.p50, 450);
    within5(k.opal_call_latency.p95, 765);
    within5(k.opal_call_latency.p99, 793);
    expect(k.force_sync_response_time).toMatchObject({ count: 10, target_ms: 5000, ok: false });
    within5(k.force_sync_response_time.p50, 600);
    expect(k.end_to_end_time).toMatchObject({ count: 6, avg: 250_000, target_ms: 480_000, ok: false });
    within5(k.end_to_end_time.p50, 210_000);
    within5(k.end_to_end_time.p95, 525_000);
    within5(k.end_to_end_time.p99, 585_000);
    expect(k.webhook_response_time).toEqual({ count: 405, avg: 9.9, target_ms: 2000, ok: true });
  });

  it('places each figure in its hour', () => {
    expect(live.series.webhook).toHaveLength(25);
    expect(at(live.series.webhook, B)).toEqual({ t: B, accepted: 434, refused: 5, processing_failed: 4, reported_failures: 10 });
    expect(at(live.series.webhook, C)).toEqual({ t: C, accepted: 306, refused: 10, processing_failed: 0, reported_failures: 6 });
    expect(at(live.series.webhook, D)).toEqual({ t: D, accepted: 51, refused: 2, processing_failed: 0, reported_failures: 0 });
    expect(live.series.webhook.filter((w) => ![B, C, D].includes(w.t)).every((w) => w.accepted === 0 && w.refused === 0)).toBe(true);
    expect(at(live.series.request_volume, B)).toEqual({ t: B, count: 405, client_errors: 5, server_errors: 0 });
    expect(at(live.series.request_volume, C)).toEqual({ t: C, count: 10, client_errors: 3, server_errors: 0 });
    expect(at(live.series.request_volume, D)).toEqual({ t: D, count: 10, client_errors: 0, server_errors: 2 });
    expect(at(live.series.force_sync, B)).toEqual({ t: B, total: 8, succeeded: 8, failed: 0 });
    expect(at(live.series.force_sync, D)).toEqual({ t: D, total: 3, succeeded: 0, failed: 2 });
    expect(at(live.series.workflows_by_status, B)).toEqual({ t: B, started: 8, running: 0, completed: 6, failed: 1, timed_out: 1 });
    expect(at(live.series.workflows_by_status, C)).toMatchObject({ started: 2, running: 2 });
    expect(at(live.series.latency, D)?.count).toBe(50);
    expect(live.errors_by_status).toEqual([
      { status: 401, count: 5, share: 1.18 },
      { status: 404, count: 3, share: 0.71 },
      { status: 502, count: 2, share: 0.47 },
    ]);
    expect(live.success_rate_by_endpoint[0]).toEqual({
      route: 'POST /api/webhooks/opal-workflow',
      total: 405,
      success_rate: 98.77,
      client_errors: 5,
      server_errors: 0,
      avg_ms: 9.9,
    });
    expect(live.success_rate_by_endpoint.find((e) => e.route === 'POST /api/opal/sync')).toMatchObject({ total: 10, success_rate: 80, server_errors: 2 });
  });

  it('gives the same answer from the hourly rollups, with webhook processing percentiles within 5% of exact', async () => {
    const rolled = await rollUpHours({ ctx: s.ctx });
    expect(rolled.hours_rolled).toBe(32 * 24);
    const fromRollups = await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) });
    expect(fromRollups).toEqual(live);
    const t = fromRollups.key_metrics.webhook_processing_time;
    expect(t.count).toBe(processedIn24h.length);
    within5(t.p50, exactPercentile(processedIn24h, 0.5));
    within5(t.p95, exactPercentile(processedIn24h, 0.95));
    within5(t.p99, exactPercentile(processedIn24h, 0.99));
    within5(t.avg, processedIn24h.reduce((a, b) => a + b, 0) / processedIn24h.length);
    expect(t.target_ms).toBe(2000);
    expect(t.ok).toBe(true);
  });

  it('reads complete hours from the rollups, not the event log', async () => {
    const db = s.ctx.db;
    const marker = and(eq(hourlyRollups.hour, new Date(B)), eq(hourlyRollups.series, 'webhook_events'), eq(hourlyRollups.dimension, ''));
    await db.update(hourlyRollups).set({ total: sql`${hourlyRollups.total} + 1000` }).where(marker);
    // As a process that has not read this hour yet would.
    s.ctx.telemetry.rollupCache.clear();
    try {
      const m = await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) });
      expect(at(m.series.webhook, B)?.accepted).toBe(1434);
    } finally {
      await rollUpHours({ ctx: s.ctx });
    }
    expect(at((await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) })).series.webhook, B)?.accepted).toBe(434);
  });

  it('decodes a stored hour once per version, and again once the job recomputes it', async () => {
    const db = s.ctx.db;
    const marker = and(eq(hourlyRollups.hour, new Date(B)), eq(hourlyRollups.series, 'webhook_events'), eq(hourlyRollups.dimension, ''));
    const before = await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) });
    expect(s.ctx.telemetry.rollupCache.size).toBeGreaterThanOrEqual(24);
    // Same version (computed_at), other content: this process keeps what it decoded.
    await db.update(hourlyRollups).set({ histogram: { '1': 434 } }).where(marker);
    expect((await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) })).key_metrics).toEqual(before.key_metrics);
    // A recompute is a new version: read again (and right again).
    await rollUpHours({ ctx: s.ctx });
    const after = await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) });
    expect(after.key_metrics).toEqual(before.key_metrics);
    s.ctx.telemetry.rollupCache.clear();
    expect(await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) })).toEqual(after);
  });

  it('covers 7 days, hour by hour', async () => {
    const m = await getMetrics({ ctx: s.ctx, input: q({ range: '7d' }) });
    expect(m.series.webhook).toHaveLength(7 * 24 + 1);
    expect(m.totals.webhook_events).toBe(893);
    expect(m.totals.processing_failures).toBe(6);
    expect(m.totals.signature_failures).toBe(8);
    expect(m.agents.find((a) => a.agent_id === 'geo_audit')).toEqual({ agent_id: 'geo_audit', total: 310, failures: 10, success_rate: 96.77 });
    expect(at(m.series.webhook, '2026-03-08T09:00:00.000Z')).toMatchObject({ accepted: 102, processing_failed: 2, refused: 3 });
    expect(m.key_metrics.force_sync_success_rate).toMatchObject({ total: 11, succeeded: 9 });
    expect(m.key_metrics.workflow_completion_rate).toMatchObject({ total: 9, succeeded: 7 });
  });

  it('answers the last hour per minute, straight from the event log', async () => {
    const m = await getMetrics({ ctx: s.ctx, input: q({ range: '1h' }) });
    expect(m.range).toMatchObject({ from: '2026-03-10T11:30:00.000Z', bucket_ms: 60_000 });
    expect(m.series.webhook).toHaveLength(60);
    expect(at(m.series.webhook, '2026-03-10T11:40:00.000Z')).toMatchObject({ accepted: 306, reported_failures: 6 });
    expect(at(m.series.webhook, '2026-03-10T12:10:00.000Z')).toMatchObject({ accepted: 51 });
    expect(m.totals.webhook_events).toBe(357);
    expect(at(m.series.request_volume, '2026-03-10T11:30:00.000Z')).toMatchObject({ count: 10, client_errors: 3 });
    expect(m.totals.refused_deliveries).toBe(2);
  });

  it('answers a custom range in the past from whole hours', async () => {
    const m = await getMetrics({ ctx: s.ctx, input: q({ range: 'custom', from: '2026-03-10T10:30:00Z', to: '2026-03-10T11:10:00Z' }) });
    // Under two hours: per minute, so the edges are exact.
    expect(m.range).toMatchObject({ from: '2026-03-10T10:30:00.000Z', to: '2026-03-10T11:10:00.000Z', bucket_ms: 60_000 });
    expect(m.series.webhook).toHaveLength(40);
    expect(m.totals.refused_deliveries).toBe(10);
    const hours = await getMetrics({ ctx: s.ctx, input: q({ range: 'custom', from: '2026-03-09T00:00:00Z', to: '2026-03-10T11:30:00Z' }) });
    expect(hours.range).toMatchObject({ from: '2026-03-09T00:00:00.000Z', to: D, bucket_ms: 3_600_000 });
    expect(hours.totals.webhook_events).toBe(434 + 306);
  });

  it('adds what arrived after the job last rolled the current hour, read live', async () => {
    await rollUpHours({ ctx: s.ctx });
    now = NOW + 60_000;
    await insertEvents(s.ctx.db, [eventRow({ at: NOW + 30_000, ms: 5 }), eventRow({ at: NOW + 40_000, status: 'failed' })]);
    await insertRejection(s.ctx.db, new Date(NOW + 45_000).toISOString(), 'invalid_signature');
    const m = await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) });
    expect(at(m.series.webhook, D)).toEqual({ t: D, accepted: 53, refused: 3, processing_failed: 1, reported_failures: 0 });
    expect(m.totals).toMatchObject({ webhook_events: 793, processing_failures: 5, signature_failures: 6 });
    expect(m.key_metrics.webhook_processing_time.count).toBe(processedIn24h.length + 1);
    // The job's next run takes them in; the answer stays the same.
    await rollUpHours({ ctx: s.ctx });
    expect(await getMetrics({ ctx: s.ctx, input: q({ range: '24h' }) })).toEqual(m);
  });
});
