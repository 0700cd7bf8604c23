import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import type { LatencyCard, MetricsOverview, MetricsQuery, RateCard } from '../../contracts/metrics';
import type { Ctx } from '../context';
import { type Aggregate, aggregateRange } from './aggregate-range';
import type { LatencyHistogram } from './latency-histogram';
import { loadRolledRange } from './load-rolled-range';
import { MetricsAccumulator } from './metrics-accumulator';
import { queryLiveCounts } from './query-live-counts';
import { HOUR_MS, type ResolvedRange, resolveRange } from './time-range';

/** The runbook's targets ("Key Metrics", and the warning thresholds of "Alerting Rules"). */
export const TARGETS = {
  forceSyncSuccessRate: 95,
  webhookResponseMs: 2000,
  eventProcessingRate: 99,
  workflowCompletionRate: 90,
  agentSuccessRate: 95,
  endToEndMs: 8 * 60_000,
  forceSyncResponseMs: 5000,
  signatureFailureRate: 10,
} as const;

const WEBHOOK_ROUTE = 'POST /api/webhooks/opal-workflow';

const round = (v: number | null, digits: number) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);
const percent = (part: number, whole: number) => (whole === 0 ? null : round((part / whole) * 100, 2));

function rateCard(succeeded: number, total: number, target: number | null): RateCard {
  const value = percent(succeeded, total);
  return { value, target, ok: value === null || target === null ? null : value >= target, total, succeeded };
}

function latencyCard(h: LatencyHistogram, targetMs: number | null): LatencyCard {
  const [p50, p95, p99] = h.percentiles([0.5, 0.95, 0.99]).map((v) => round(v ?? null, 1));
  return {
    count: h.count,
    p50: p50 ?? null,
    p95: p95 ?? null,
    p99: p99 ?? null,
    avg: round(h.avg(), 1),
    target_ms: targetMs,
    ok: p95 === null || p95 === undefined || targetMs === null ? null : p95 < targetMs,
  };
}

/**
 * What the rollups do not cover, to read from the source tables: whole
 * hours the job has not rolled (usually none), and the end of an hour
 * rolled before it ended (the current hour: what arrived since the job's
 * last run, about a minute). Contiguous parts are merged.
 */
function uncovered(range: ResolvedRange, covered: Map<number, number>): [number, number][] {
  const spans: [number, number][] = [];
  for (let h = range.fromMs; h < range.toMs; h += HOUR_MS) {
    const end = Math.min(h + HOUR_MS, range.toMs);
    const start = Math.max(h, covered.get(h) ?? h);
    if (start >= end) continue;
    const last = spans[spans.length - 1];
    if (last && last[1] === start) last[1] = end;
    else spans.push([start, end]);
  }
  return spans;
}

/**
 * Fills the accumulator: ranges per minute straight from the source tables;
 * otherwise the hourly rollups (the current hour included, as far as the
 * job's last run), plus what they do not cover, read live.
 */
async function accumulate(ctx: Ctx, range: ResolvedRange, acc: MetricsAccumulator): Promise<void> {
  const live = (from: number, to: number, grainMs: number) => aggregateRange(ctx.db, { from: new Date(from), to: new Date(to), grainMs });
  const fold = (rows: Aggregate[]) => {
    for (const a of rows) acc.fold(a);
  };
  if (range.bucketMs < HOUR_MS) {
    fold(await live(range.fromMs, range.toMs, range.bucketMs));
    return;
  }
  const covered = range.toMs > range.fromMs ? await loadRolledRange(ctx, acc, range.fromMs, range.toMs) : new Map<number, number>();
  for (const rows of await Promise.all(uncovered(range, covered).map(([from, to]) => live(from, to, HOUR_MS)))) fold(rows);
}

/**
 * The metrics service: the runbook's key metrics with their targets, and
 * the Overview's charts, over a preset or custom range. Every figure comes
 * from the hourly rollups plus what arrived since the job's last run (see
 * README.md), so a week costs about what a day does.
 */
export async function getMetrics({ ctx, input }: { ctx: Ctx; input: MetricsQuery }): Promise<MetricsOverview> {
  const now = ctx.now();
  const range = resolveRange(input, now);
  const acc = new MetricsAccumulator(range);
  const [, live] = await Promise.all([accumulate(ctx, range, acc), queryLiveCounts(ctx)]);

  const totals = acc.totals();
  const agentTotals = [...acc.agents.values()].reduce((s, a) => ({ total: s.total + a.total, failures: s.failures + a.failures }), { total: 0, failures: 0 });
  const signatureFailures = acc.signatureFailures();
  const signatureRate = percent(signatureFailures, totals.accepted + signatureFailures);
  const webhook = acc.endpoints.get(WEBHOOK_ROUTE);
  const webhookResponseAvg = webhook?.total ? webhook.sumMs / webhook.total : null;
  const processed = acc.latency.count;
  const wf = totals.workflows;
  const iso = (t: number) => new Date(t).toISOString();
  const b = (i: number) => acc.buckets[i]!;

  return {
    range: { preset: range.preset, from: iso(range.fromMs), to: iso(range.toMs), bucket_ms: range.bucketMs },
    generated_at: iso(now),
    key_metrics: {
      force_sync_success_rate: rateCard(totals.sync.succeeded, totals.sync.succeeded + totals.sync.failed, TARGETS.forceSyncSuccessRate),
      webhook_processing_time: latencyCard(acc.latency, TARGETS.webhookResponseMs),
      webhook_response_time: {
        count: webhook?.total ?? 0,
        avg: round(webhookResponseAvg, 1),
        target_ms: TARGETS.webhookResponseMs,
        ok: webhookResponseAvg === null ? null : webhookResponseAvg < TARGETS.webhookResponseMs,
      },
      event_processing_rate: rateCard(processed, processed + totals.processingFailed, TARGETS.eventProcessingRate),
      webhook_acceptance_rate: rateCard(totals.accepted, totals.accepted + totals.refused, null),
      workflow_completion_rate: rateCard(wf.completed, wf.completed + wf.failed + wf.timed_out, TARGETS.workflowCompletionRate),
      agent_success_rate: rateCard(agentTotals.total - agentTotals.failures, agentTotals.total, TARGETS.agentSuccessRate),
      end_to_end_time: latencyCard(acc.endToEnd, TARGETS.endToEndMs),
      opal_call_latency: latencyCard(acc.opalLatency, null),
      force_sync_response_time: latencyCard(acc.syncDuration, TARGETS.forceSyncResponseMs),
      signature_failure_rate: {
        value: signatureRate,
        target: TARGETS.signatureFailureRate,
        ok: signatureRate === null ? null : signatureRate <= TARGETS.signatureFailureRate,
      },
      duplicate_rate: {
        value: percent(totals.duplicates, totals.accepted + totals.duplicates),
        deliveries: totals.accepted + totals.duplicates,
        duplicates: totals.duplicates,
      },
    },
    active_workflows: live.activeWorkflows,
    pending_events: live.pendingEvents,
    signature_failure_rate: signatureRate,
    totals: {
      webhook_events: totals.accepted,
      processing_failures: totals.processingFailed,
      reported_failures: totals.reported,
      refused_deliveries: totals.refused,
      signature_failures: signatureFailures,
      http_requests: totals.requests,
      force_syncs: totals.sync.total,
      workflows_started: wf.started,
    },
    series: {
      request_volume: range.buckets.map((t, i) => ({ t: iso(t), count: b(i).requests, client_errors: b(i).clientErrors, server_errors: b(i).serverErrors })),
      webhook: range.buckets.map((t, i) => ({
        t: iso(t),
        accepted: b(i).accepted,
        refused: b(i).refused,
        processing_failed: b(i).processingFailed,
        reported_failures: b(i).reported,
      })),
      latency: range.buckets.map((t, i) => {
        const h = acc.bucketLatency[i];
        const [p50, p95, p99] = h ? h.percentiles([0.5, 0.95, 0.99]) : [null, null, null];
        return { t: iso(t), count: h?.count ?? 0, p50: round(p50 ?? null, 1), p95: round(p95 ?? null, 1), p99: round(p99 ?? null, 1) };
      }),
      workflows_by_status: range.buckets.map((t, i) => ({ t: iso(t), ...b(i).workflows })),
      force_sync: range.buckets.map((t, i) => ({ t: iso(t), ...b(i).sync })),
      duplicates: range.buckets.map((t, i) => {
        const deliveries = b(i).accepted + b(i).duplicates;
        return { t: iso(t), deliveries, duplicates: b(i).duplicates, rate: percent(b(i).duplicates, deliveries) };
      }),
    },
    success_rate_by_endpoint: [...acc.endpoints.entries()]
      .sort((x, y) => y[1].total - x[1].total || x[0].localeCompare(y[0]))
      .map(([route, e]) => ({
        route,
        total: e.total,
        success_rate: percent(e.total - e.clientErrors - e.serverErrors, e.total),
        client_errors: e.clientErrors,
        server_errors: e.serverErrors,
        avg_ms: e.total ? round(e.sumMs / e.total, 1) : null,
      })),
    errors_by_status: [...acc.statuses.entries()]
      .filter(([status]) => status >= 400)
      .sort((x, y) => x[0] - y[0])
      .map(([status, count]) => ({ status, count, share: percent(count, totals.requests) ?? 0 })),
    agents: [...acc.agents.entries()]
      .sort((x, y) => x[0].localeCompare(y[0]))
      .map(([agent_id, a]) => ({ agent_id, total: a.total, failures: a.failures, success_rate: percent(a.total - a.failures, a.total) })),
    rejections_by_reason: [...acc.reasons.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([reason, count]) => ({ reason, count })),
    workflows_by_status: { running: wf.running, completed: wf.completed, failed: wf.failed, timed_out: wf.timed_out },
  };
}

/** The console's overview and `GET /api/metrics`; getMetrics itself also serves the scrape and the bench. */
export const metricsOverview = defineVerb({
  action: 'metrics.overview',
  access: ACCESS.read,
  run: ({ ctx, input }: { ctx: Ctx; input: MetricsQuery }) => getMetrics({ ctx, input }),
});
