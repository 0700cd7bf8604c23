import { and, desc, gte, lte, sql } from 'drizzle-orm';
import type { SystemHealth } from '../../contracts/diagnostics';
import { webhookEvents, webhookRejections } from '../../db/schema';
import type { Ctx } from '../context';
import { failureRatePercent, WEBHOOK_STATUS_THRESHOLDS, webhookStatusOf } from './webhook-status';

const HOUR_MS = 3_600_000;
/**
 * At most this many of the newest events in the window are read, so the
 * figures cost the same on a quiet hour and on a flood (the answer says when
 * it sampled).
 */
export const HEALTH_SAMPLE_SIZE = 10_000;

const round1 = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);

/**
 * `system_health`: the receiver over the last hour, or over the requested
 * range when one is given. Bounded by time (the received_at indexes) and by
 * HEALTH_SAMPLE_SIZE.
 */
export async function getSystemHealth({ ctx, input }: { ctx: Ctx; input: { from?: Date | undefined; to?: Date | undefined } }): Promise<SystemHealth> {
  const requested = input.from !== undefined || input.to !== undefined;
  const to = input.to ?? new Date(ctx.now());
  const from = input.from ?? new Date(to.getTime() - HOUR_MS);

  const sample = ctx.db
    .select({ processingStatus: webhookEvents.processingStatus, outcome: webhookEvents.outcome, processingMs: webhookEvents.processingMs })
    .from(webhookEvents)
    .where(and(gte(webhookEvents.receivedAt, from), lte(webhookEvents.receivedAt, to)))
    .orderBy(desc(webhookEvents.receivedAt))
    .limit(HEALTH_SAMPLE_SIZE)
    .as('sample');
  const inWindow = and(gte(webhookRejections.receivedAt, from), lte(webhookRejections.receivedAt, to));

  const [eventRows, byReason, lastRefusal, lastEvent] = await Promise.all([
    ctx.db
      .select({
        received: sql<number>`count(*)::int`,
        processingFailures: sql<number>`(count(*) filter (where ${sample.processingStatus} = 'failed'))::int`,
        pending: sql<number>`(count(*) filter (where ${sample.processingStatus} = 'pending'))::int`,
        reportedFailures: sql<number>`(count(*) filter (where ${sample.outcome} = 'failure'))::int`,
        avgMs: sql<number | null>`avg(${sample.processingMs})::float8`,
        p50: sql<number | null>`percentile_cont(0.5) within group (order by ${sample.processingMs})::float8`,
        p95: sql<number | null>`percentile_cont(0.95) within group (order by ${sample.processingMs})::float8`,
        p99: sql<number | null>`percentile_cont(0.99) within group (order by ${sample.processingMs})::float8`,
      })
      .from(sample),
    ctx.db
      .select({ reason: webhookRejections.reason, count: sql<number>`sum(${webhookRejections.occurrences})::int` })
      .from(webhookRejections)
      .where(inWindow)
      .groupBy(webhookRejections.reason),
    ctx.db
      .select({ reason: webhookRejections.reason, detail: webhookRejections.detail, at: webhookRejections.receivedAt })
      .from(webhookRejections)
      .where(inWindow)
      .orderBy(desc(webhookRejections.receivedAt))
      .limit(1),
    ctx.db.select({ at: webhookEvents.receivedAt }).from(webhookEvents).orderBy(desc(webhookEvents.receivedAt)).limit(1),
  ]);

  const ev = eventRows[0];
  const received = ev?.received ?? 0;
  const processingFailures = ev?.processingFailures ?? 0;
  const refused = byReason.reduce((n, r) => n + r.count, 0);
  const rate = failureRatePercent(received + refused, processingFailures + refused);
  const last = lastRefusal[0];
  return {
    webhook_status: webhookStatusOf(received + refused, rate),
    recent_failure_rate: rate,
    avg_processing_time: round1(ev?.avgMs),
    p50_processing_time: round1(ev?.p50),
    p95_processing_time: round1(ev?.p95),
    p99_processing_time: round1(ev?.p99),
    window: {
      from: from.toISOString(),
      to: to.toISOString(),
      basis: requested ? 'requested_range' : 'last_hour',
      events_considered: received,
      sampled: received >= HEALTH_SAMPLE_SIZE,
    },
    events: {
      received,
      processing_failures: processingFailures,
      pending: ev?.pending ?? 0,
      reported_failures: ev?.reportedFailures ?? 0,
    },
    refused_deliveries: {
      count: refused,
      by_reason: Object.fromEntries(byReason.map((r) => [r.reason, r.count])),
      last_reason: last?.reason ?? null,
      last_detail: last?.detail ?? null,
      last_at: last ? last.at.toISOString() : null,
    },
    thresholds: { ...WEBHOOK_STATUS_THRESHOLDS },
    last_event_at: lastEvent[0] ? lastEvent[0].at.toISOString() : null,
  };
}
