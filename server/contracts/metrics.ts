import { z } from 'zod';
import { ISO_DATE_TIME, ISO_DATE_TIME_MESSAGE, isStorableDate } from './instant';

/**
 * The metrics service (`GET /api/metrics`, the console's Overview): the
 * runbook's "Key Metrics" over a time range, bucketed in time. REST sends
 * the query as text, tRPC as typed values: both parse here.
 */

export const METRICS_RANGES = ['1h', '24h', '7d', 'custom'] as const;
export type MetricsRange = (typeof METRICS_RANGES)[number];

/** The longest custom range: what the hourly rollups are guaranteed to cover. */
export const MAX_RANGE_DAYS = 31;

/** An instant: an ISO 8601 date-time with `Z` or an offset (text), or a Date (tRPC). */
const instant = z.union([z.string(), z.date()]).transform((v, c) => {
  const d = v instanceof Date ? v : ISO_DATE_TIME.test(v) ? new Date(v) : undefined;
  if (d && isStorableDate(d)) return d;
  c.addIssue({ code: 'custom', message: ISO_DATE_TIME_MESSAGE });
  return z.NEVER;
});

/**
 * The range: a preset ending now, or `custom` with both `from` and `to`
 * (at most 31 days). Unknown query parameters are ignored (cache busters).
 */
export const metricsInputSchema = z
  .object({
    range: z.enum(METRICS_RANGES).default('24h'),
    from: instant.optional(),
    to: instant.optional(),
  })
  .superRefine((v, c) => {
    if (v.range !== 'custom') {
      for (const k of ['from', 'to'] as const) {
        if (v[k] !== undefined) c.addIssue({ code: 'custom', path: [k], message: 'is only allowed with range=custom' });
      }
      return;
    }
    if (!v.from) c.addIssue({ code: 'custom', path: ['from'], message: 'is required when range is custom' });
    if (!v.to) c.addIssue({ code: 'custom', path: ['to'], message: 'is required when range is custom' });
    if (!v.from || !v.to) return;
    if (v.from.getTime() >= v.to.getTime()) c.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (v.to.getTime() - v.from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      c.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_RANGE_DAYS} days after from` });
    }
  });
export type MetricsInput = z.input<typeof metricsInputSchema>;
export type MetricsQuery = z.output<typeof metricsInputSchema>;

// ---- the answer ----

const nullableNumber = z.number().nullable();

/** A rate in percent (0–100, two decimals) against the runbook's target (null: the runbook sets none); value null when nothing was counted. */
export const rateCardSchema = z.object({
  value: nullableNumber,
  target: z.number().nullable(),
  ok: z.boolean().nullable(),
  /** What the rate is taken over, and how many of those succeeded. */
  total: z.number().int(),
  succeeded: z.number().int(),
});
export type RateCard = z.infer<typeof rateCardSchema>;

/** Latency in milliseconds; `ok` compares P95 with the target. */
export const latencyCardSchema = z.object({
  count: z.number().int(),
  p50: nullableNumber,
  p95: nullableNumber,
  p99: nullableNumber,
  avg: nullableNumber,
  target_ms: z.number().nullable(),
  ok: z.boolean().nullable(),
});
export type LatencyCard = z.infer<typeof latencyCardSchema>;

const t = z.string(); // ISO start of the bucket

export const metricsOverviewSchema = z.object({
  range: z.object({
    preset: z.enum(METRICS_RANGES),
    /** Widened to whole buckets; `to` is never later than now. */
    from: z.string(),
    to: z.string(),
    bucket_ms: z.number().int(),
  }),
  generated_at: z.string(),
  key_metrics: z.object({
    force_sync_success_rate: rateCardSchema,
    /** Receipt of a callback until it is applied to the projections. */
    webhook_processing_time: latencyCardSchema,
    /** The receiver's HTTP answer time (the runbook's "OPAL Webhook Response Time"); averages only. */
    webhook_response_time: z.object({ count: z.number().int(), avg: nullableNumber, target_ms: z.number(), ok: z.boolean().nullable() }),
    event_processing_rate: rateCardSchema,
    webhook_acceptance_rate: rateCardSchema,
    workflow_completion_rate: rateCardSchema,
    agent_success_rate: rateCardSchema,
    end_to_end_time: latencyCardSchema,
    opal_call_latency: latencyCardSchema,
    force_sync_response_time: latencyCardSchema,
    /** Percent of signed deliveries refused for their signature or timestamp; `target` is the warning threshold (lower is better). */
    signature_failure_rate: z.object({ value: nullableNumber, target: z.number(), ok: z.boolean().nullable() }),
    /** Percent of deliveries that were copies of an event already stored (OSA 409s, Standard Webhooks duplicates): retry storms show here. No target. */
    duplicate_rate: z.object({ value: nullableNumber, deliveries: z.number().int(), duplicates: z.number().int() }),
  }),
  active_workflows: z.number().int(),
  pending_events: z.number().int(),
  signature_failure_rate: nullableNumber,
  totals: z.object({
    webhook_events: z.number().int(),
    processing_failures: z.number().int(),
    reported_failures: z.number().int(),
    refused_deliveries: z.number().int(),
    signature_failures: z.number().int(),
    http_requests: z.number().int(),
    force_syncs: z.number().int(),
    workflows_started: z.number().int(),
  }),
  series: z.object({
    request_volume: z.array(z.object({ t, count: z.number().int(), client_errors: z.number().int(), server_errors: z.number().int() })),
    webhook: z.array(
      z.object({ t, accepted: z.number().int(), refused: z.number().int(), processing_failed: z.number().int(), reported_failures: z.number().int() }),
    ),
    latency: z.array(z.object({ t, count: z.number().int(), p50: nullableNumber, p95: nullableNumber, p99: nullableNumber })),
    workflows_by_status: z.array(
      z.object({ t, started: z.number().int(), running: z.number().int(), completed: z.number().int(), failed: z.number().int(), timed_out: z.number().int() }),
    ),
    force_sync: z.array(z.object({ t, total: z.number().int(), succeeded: z.number().int(), failed: z.number().int() })),
    /** Per bucket: deliveries (events stored + copies), the copies among them, and their percent (null without deliveries). */
    duplicates: z.array(z.object({ t, deliveries: z.number().int(), duplicates: z.number().int(), rate: nullableNumber })),
  }),
  /** Per `METHOD /route/pattern` over the whole range, busiest first. */
  success_rate_by_endpoint: z.array(
    z.object({
      route: z.string(),
      total: z.number().int(),
      success_rate: nullableNumber,
      client_errors: z.number().int(),
      server_errors: z.number().int(),
      avg_ms: nullableNumber,
    }),
  ),
  /** Each error status (4xx, 5xx) answered over the range, with its share of all requests (percent). */
  errors_by_status: z.array(z.object({ status: z.number().int(), count: z.number().int(), share: z.number() })),
  agents: z.array(z.object({ agent_id: z.string(), total: z.number().int(), failures: z.number().int(), success_rate: nullableNumber })),
  rejections_by_reason: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  workflows_by_status: z.object({
    running: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    timed_out: z.number().int(),
  }),
});
export type MetricsOverview = z.infer<typeof metricsOverviewSchema>;
