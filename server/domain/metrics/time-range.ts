import type { MetricsQuery, MetricsRange } from '../../contracts/metrics';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const PRESET_SPAN_MS: Record<Exclude<MetricsRange, 'custom'>, number> = { '1h': HOUR_MS, '24h': DAY_MS, '7d': 7 * DAY_MS };

export interface ResolvedRange {
  preset: MetricsRange;
  fromMs: number;
  toMs: number;
  bucketMs: number;
  /** Start of every bucket, oldest first. */
  buckets: number[];
}

export const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step;

/** Per minute up to 2 hours (straight from the event log), per hour up to 8 days, then per 6 hours. */
export function bucketMsFor(spanMs: number): number {
  if (spanMs <= 2 * HOUR_MS) return MINUTE_MS;
  if (spanMs <= 8 * DAY_MS) return HOUR_MS;
  return 6 * HOUR_MS;
}

/**
 * The range widened to whole buckets (aligned to UTC epoch multiples, so
 * they line up with the hourly rollups) and never past now: a preset
 * covers at least its span, ending with the current, partial bucket.
 */
export function resolveRange(query: MetricsQuery, nowMs: number): ResolvedRange {
  let fromMs: number;
  let toMs: number;
  let bucketMs: number;
  if (query.range === 'custom') {
    const from = query.from!.getTime();
    const to = query.to!.getTime();
    bucketMs = bucketMsFor(to - from);
    fromMs = floorTo(from, bucketMs);
    toMs = Math.max(fromMs, Math.min(ceilTo(to, bucketMs), nowMs));
  } else {
    const span = PRESET_SPAN_MS[query.range];
    bucketMs = bucketMsFor(span);
    fromMs = floorTo(nowMs - span, bucketMs);
    toMs = nowMs;
  }
  const buckets: number[] = [];
  // Bounded: at most 31 days of hourly or 6-hourly buckets, or two hours of minutes.
  for (let b = fromMs; b < toMs; b += bucketMs) buckets.push(b);
  return { preset: query.range, fromMs, toMs, bucketMs, buckets };
}
