import { and, eq, gte, lt, max, or, type SQLWrapper, sql } from 'drizzle-orm';
import { hourlyRollups, syncRequests, webhookEvents, workflows } from '../../db/schema';
import type { Ctx } from '../context';
import { aggregateRange, DIM, SERIES } from './aggregate-range';
import { floorTo, HOUR_MS } from './time-range';

/** How far back hours are kept rolled up: the longest range the service answers, and a day. */
export const LOOKBACK_HOURS = 32 * 24;
/** Hours recomputed on every run: late refusal aggregates, HTTP counts flushed late, a slow worker. */
export const ALWAYS_RECOMPUTE_HOURS = 3;
/** A change this close before an hour was rolled may not have been visible to it (commit order, clocks of other processes). */
const CHANGE_MARGIN_MS = 2 * 60_000;
const SPAN_HOURS = 24;
const INSERT_CHUNK = 500;

const hourOf = (column: SQLWrapper) => sql<number>`(floor(extract(epoch from ${column}) / 3600) * 3600000)::float8`;

export interface RollupResult {
  /** Complete hours recomputed. */
  hours_rolled: number;
  spans: number;
  first_hour: string | null;
  last_hour: string | null;
  /** The current hour, rolled as far as now (null at the very start of an hour). */
  partial_hour: string | null;
}

/**
 * Rolls every complete hour of the last 32 days that needs it into
 * `hourly_rollups`, and the current hour as far as now:
 * - an hour never rolled (no `webhook_events`/'' row: that row is written
 *   for every rolled hour, even an empty one, and marks it done), or rolled
 *   before it ended (its marker's computed_at is inside it);
 * - the last 3 complete hours and the current one, always;
 * - an hour that still holds pending events;
 * - an hour whose count of processing failures differs from what was
 *   rolled: replay turns `failed` into `processed`, and this is the change
 *   the partial index `webhook_events_failed_idx` lets us see cheaply;
 * - an hour of workflows (by first event) or sync requests (by creation)
 *   changed since it was rolled: a workflow that completes, times out or is
 *   rebuilt by a replay (`updated_at`), a sync call that finishes. These
 *   tables are small next to the event log, so they are simply scanned.
 * Each hour is recomputed whole (delete and insert in one transaction), so
 * a rerun or a second runner leaves the same rows.
 */
export async function rollUpHours({ ctx, input = {} }: { ctx: Ctx; input?: { maxHours?: number } }): Promise<RollupResult> {
  const now = ctx.now();
  const currentHour = floorTo(now, HOUR_MS);
  const windowStart = currentHour - LOOKBACK_HOURS * HOUR_MS;
  const since = new Date(windowStart);
  const until = new Date(currentHour);

  const [rolled, pending, failed, workflowChanges, syncChanges] = await Promise.all([
    ctx.db
      .select({ hour: hourlyRollups.hour, failures: hourlyRollups.failures, computedAt: hourlyRollups.computedAt })
      .from(hourlyRollups)
      .where(
        and(
          eq(hourlyRollups.series, SERIES.events),
          eq(hourlyRollups.dimension, ''),
          gte(hourlyRollups.hour, since),
          // The current hour too: its version is bumped below.
          lt(hourlyRollups.hour, new Date(currentHour + HOUR_MS)),
        ),
      ),
    ctx.db
      .selectDistinct({ hour: hourOf(webhookEvents.receivedAt) })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.processingStatus, 'pending'), gte(webhookEvents.receivedAt, since), lt(webhookEvents.receivedAt, until))),
    ctx.db
      .select({
        hour: hourOf(webhookEvents.receivedAt),
        failures: sql<number>`(count(*) filter (where ${webhookEvents.processingStatus} = 'failed'))::int`,
      })
      .from(webhookEvents)
      // Written as the partial index's predicate, so the index serves it.
      .where(
        and(
          or(eq(webhookEvents.processingStatus, 'failed'), eq(webhookEvents.outcome, 'failure')),
          gte(webhookEvents.receivedAt, since),
          lt(webhookEvents.receivedAt, until),
        ),
      )
      .groupBy(sql`1`),
    ctx.db
      .select({ hour: hourOf(workflows.firstEventAt), changedAt: max(workflows.updatedAt) })
      .from(workflows)
      .where(and(gte(workflows.firstEventAt, since), lt(workflows.firstEventAt, until)))
      .groupBy(sql`1`),
    ctx.db
      .select({ hour: hourOf(syncRequests.createdAt), changedAt: sql<number>`(extract(epoch from max(coalesce(${syncRequests.finishedAt}, ${syncRequests.createdAt}))) * 1000)::float8` })
      .from(syncRequests)
      .where(and(gte(syncRequests.createdAt, since), lt(syncRequests.createdAt, until)))
      .groupBy(sql`1`),
  ]);

  const stored = new Map(rolled.map((r) => [r.hour.getTime(), r]));
  const failuresNow = new Map(failed.map((f) => [Number(f.hour), f.failures]));
  const dirty = new Set<number>();
  for (let h = windowStart; h < currentHour; h += HOUR_MS) {
    const s = stored.get(h);
    const partial = s !== undefined && s.computedAt.getTime() < h + HOUR_MS;
    if (!s || partial || h >= currentHour - ALWAYS_RECOMPUTE_HOURS * HOUR_MS || s.failures !== (failuresNow.get(h) ?? 0)) dirty.add(h);
  }
  for (const p of pending) dirty.add(Number(p.hour));
  const changedSince = (hour: number, changedAt: number | null) => {
    const s = stored.get(hour);
    if (s && changedAt !== null && changedAt > s.computedAt.getTime() - CHANGE_MARGIN_MS) dirty.add(hour);
  };
  for (const w of workflowChanges) changedSince(Number(w.hour), w.changedAt ? w.changedAt.getTime() : null);
  for (const c of syncChanges) changedSince(Number(c.hour), c.changedAt === null ? null : Number(c.changedAt));

  const hours = [...dirty].filter((h) => h >= windowStart && h < currentHour).sort((a, b) => a - b);
  const limited = input.maxHours === undefined ? hours : hours.slice(-input.maxHours);
  const spans = toSpans(limited);
  // An hour's computed_at is the version processes cache it by: a rewrite must never keep it, even with a clock that stood still or stepped back.
  const versionFor = (from: number, to: number) => {
    let v = now;
    for (let h = from; h < to; h += HOUR_MS) v = Math.max(v, (stored.get(h)?.computedAt.getTime() ?? 0) + 1);
    return v;
  };
  for (const [from, to] of spans) await rollSpan(ctx, from, to, versionFor(from, to));
  // The current hour up to now: the service then reads only what arrived since from the event log.
  if (now > currentHour) {
    const version = versionFor(currentHour, currentHour + HOUR_MS);
    // Read as far as its computed_at, which is where the service takes over.
    await rollSpan(ctx, currentHour, Math.min(currentHour + HOUR_MS, version), version);
  }
  return {
    hours_rolled: limited.length,
    spans: spans.length,
    first_hour: limited.length ? new Date(limited[0]!).toISOString() : null,
    last_hour: limited.length ? new Date(limited[limited.length - 1]!).toISOString() : null,
    partial_hour: now > currentHour ? new Date(currentHour).toISOString() : null,
  };
}

/** Contiguous hours as [from, to) spans of at most a day, so one query never covers too much. */
function toSpans(hours: number[]): [number, number][] {
  const spans: [number, number][] = [];
  for (const h of hours) {
    const last = spans[spans.length - 1];
    if (last && last[1] === h && last[1] - last[0] < SPAN_HOURS * HOUR_MS) last[1] = h + HOUR_MS;
    else spans.push([h, h + HOUR_MS]);
  }
  return spans;
}

/** Recomputes the hours of [fromMs, toMs); `toMs` may be now, inside the current hour, which then covers up to its computed_at. */
async function rollSpan(ctx: Ctx, fromMs: number, toMs: number, computedAtMs: number): Promise<void> {
  const from = new Date(fromMs);
  const to = new Date(toMs);
  const aggregates = await aggregateRange(ctx.db, { from, to, grainMs: HOUR_MS });
  const computedAt = new Date(computedAtMs);
  const rows = aggregates.map((a) => ({
    hour: new Date(a.t),
    series: a.series,
    dimension: a.dimension,
    total: a.total,
    failures: a.failures,
    sumMs: a.sumMs,
    histogram: a.histogram,
    computedAt,
  }));
  // The marker row: an hour with nothing in it is still rolled.
  const marked = new Set(aggregates.filter((a) => a.series === SERIES.events && a.dimension === DIM.all).map((a) => a.t));
  for (let h = fromMs; h < toMs; h += HOUR_MS) {
    if (!marked.has(h)) rows.push({ hour: new Date(h), series: SERIES.events, dimension: DIM.all, total: 0, failures: 0, sumMs: 0, histogram: {}, computedAt });
  }
  await ctx.db.transaction(async (tx) => {
    await tx.delete(hourlyRollups).where(and(gte(hourlyRollups.hour, from), lt(hourlyRollups.hour, to)));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insert(hourlyRollups).values(rows.slice(i, i + INSERT_CHUNK));
  });
}
