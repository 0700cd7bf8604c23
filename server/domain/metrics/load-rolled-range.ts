import { and, eq, gte, inArray, like, lt, not, or } from 'drizzle-orm';
import { hourlyRollups as hr } from '../../db/schema';
import type { Ctx } from '../context';
import { DIM, SERIES } from './aggregate-range';
import { compact } from './latency-histogram';
import type { MetricsAccumulator } from './metrics-accumulator';
import type { CachedAggregate } from './rollup-hour-cache';
import { HOUR_MS } from './time-range';

const UNUSED_OUTCOMES = ['outcome:success', 'outcome:in_progress'];

/**
 * Adds the rolled-up hours of [fromMs, toMs) to the accumulator and returns
 * how far each rolled hour is covered: its end, or for an hour rolled
 * before it ended (the current one) its computed_at. An hour without its
 * `webhook_events`/'' marker is not rolled and absent from the map.
 *
 * The markers are read first (one small row an hour); the rows of an hour
 * are read only when this process has not decoded them at that version.
 */
export async function loadRolledRange(ctx: Ctx, acc: MetricsAccumulator, fromMs: number, toMs: number): Promise<Map<number, number>> {
  const inRange = and(gte(hr.hour, new Date(fromMs)), lt(hr.hour, new Date(toMs)));
  const markers = await ctx.db
    .select({ hour: hr.hour, computedAt: hr.computedAt })
    .from(hr)
    .where(and(inRange, eq(hr.series, SERIES.events), eq(hr.dimension, DIM.all)));

  const cache = ctx.telemetry.rollupCache;
  const hours = new Map<number, { version: number; rows: CachedAggregate[] | undefined }>();
  for (const m of markers) {
    const t = m.hour.getTime();
    const version = m.computedAt.getTime();
    hours.set(t, { version, rows: cache.get(t, version) });
  }
  const missing = [...hours.entries()].filter(([, h]) => !h.rows).map(([t]) => new Date(t));
  if (missing.length) {
    const fetched = await ctx.db
      .select({
        hour: hr.hour,
        series: hr.series,
        dimension: hr.dimension,
        total: hr.total,
        failures: hr.failures,
        sumMs: hr.sumMs,
        histogram: hr.histogram,
        computedAt: hr.computedAt,
      })
      .from(hr)
      .where(
        and(
          // Most hours missing (a first request): one range scan beats a long IN list.
          missing.length * 2 > hours.size ? inRange : and(inRange, inArray(hr.hour, missing)),
          // Kept for other readers; the Overview does not show them.
          not(and(eq(hr.series, SERIES.events), or(like(hr.dimension, 'event_type:%'), inArray(hr.dimension, UNUSED_OUTCOMES)))!),
        ),
      );
    const byHour = new Map<number, { version: number; rows: CachedAggregate[] }>();
    for (const f of fetched) {
      const t = f.hour.getTime();
      const h = byHour.get(t) ?? { version: f.computedAt.getTime(), rows: [] };
      h.rows.push({
        t,
        series: f.series,
        dimension: f.dimension,
        total: f.total,
        failures: f.failures,
        sumMs: f.sumMs,
        histogram: Object.keys(f.histogram).length ? compact(f.histogram) : undefined,
      });
      byHour.set(t, h);
    }
    for (const [t, h] of byHour) {
      // The rows read in one statement are one version, even if the job rewrote the hour since the markers were read.
      if (!hours.has(t) || !h.rows.some((r) => r.series === SERIES.events && r.dimension === DIM.all)) continue;
      cache.set(t, h.version, h.rows);
      hours.set(t, h);
    }
  }

  const covered = new Map<number, number>();
  for (const [t, h] of hours) {
    // Gone by the second read (rewritten in between and not found again): read live this time.
    if (!h.rows) continue;
    for (const row of h.rows) acc.fold(row);
    covered.set(t, Math.min(t + HOUR_MS, h.version));
  }
  return covered;
}
