import { and, gte, lt, sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { httpRequestRollups, syncRequests, webhookEventDuplicates, webhookEvents, webhookRejections, workflows } from '../../db/schema';
import { bucketSql, type SparseHistogram } from './latency-histogram';

/**
 * One aggregate row: the shape of `hourly_rollups`, at any grain. The
 * rollup job stores these per hour; the metrics service computes the same
 * rows live for what is not rolled up (the current hour, 1-hour ranges).
 * The series and their dimensions are listed in this module's README.
 */
export interface Aggregate {
  /** Bucket start, epoch ms. */
  t: number;
  series: string;
  dimension: string;
  total: number;
  failures: number;
  sumMs: number;
  histogram: SparseHistogram;
}

export const SERIES = {
  events: 'webhook_events',
  rejections: 'rejections',
  http: 'http',
  workflows: 'workflows',
  sync: 'sync_requests',
} as const;

export const DIM = {
  all: '',
  endToEnd: 'end_to_end',
  opalLatency: 'opal_latency',
  duration: 'duration',
  /** `webhook_events` only: copies of stored events, by when the copies arrived. */
  duplicates: 'duplicates',
} as const;

/** Bucket start in epoch ms; the grain is ours (never input), so it is inlined and the expression has no parameters. */
function bucketStart(column: SQLWrapper, grainMs: number) {
  const g = sql.raw(String(Math.trunc(grainMs)));
  return sql<number>`(floor(extract(epoch from ${column}) * 1000 / ${g}) * ${g})::float8`;
}

// GROUPING() bit masks: a bit is set for each listed expression NOT in the row's grouping set.
const EVENTS_BY_TYPE = 0b011;
const EVENTS_BY_LATENCY = 0b101;
const EVENTS_BY_AGENT = 0b110;
const WF_BY_STATUS = 0b01;
const WF_BY_DURATION = 0b10;
const SYNC_BY_STATUS = 0b011;
const SYNC_BY_OPAL = 0b101;
const SYNC_BY_DURATION = 0b110;

/**
 * Aggregates of the event log, refusals, HTTP counts, workflows, sync
 * requests and copies of events in [from, to), per `grainMs` bucket: six queries, each one scan
 * of its table's time index (GROUPING SETS give several groupings per scan).
 */
export async function aggregateRange(db: Db, range: { from: Date; to: Date; grainMs: number }): Promise<Aggregate[]> {
  const { from, to, grainMs } = range;
  const e = webhookEvents;
  const te = bucketStart(e.receivedAt, grainMs);
  const latency = bucketSql(e.processingMs);

  const w = workflows;
  const tw = bucketStart(w.firstEventAt, grainMs);
  const completed = sql`(${w.status} = 'completed' and ${w.finishedAt} is not null)`;
  const e2e = sql`(extract(epoch from (${w.finishedAt} - coalesce(${w.startedAt}, ${w.firstEventAt}))) * 1000)`;
  const e2eBucket = sql<number | null>`(case when ${completed} then ${bucketSql(e2e)} end)`;

  const s = syncRequests;
  const ts = bucketStart(s.createdAt, grainMs);
  const opalBucket = bucketSql(s.opalLatencyMs);
  const durationBucket = bucketSql(s.durationMs);

  const tr = bucketStart(webhookRejections.receivedAt, grainMs);
  const th = bucketStart(httpRequestRollups.minute, grainMs);
  const d = webhookEventDuplicates;
  const td = bucketStart(d.minute, grainMs);

  const [events, rejections, http, wf, sync, duplicates] = await Promise.all([
    db
      .select({
        t: te,
        set: sql<number>`grouping(${e.eventType}, ${latency}, ${e.agentId})::int`,
        eventType: e.eventType,
        outcome: e.outcome,
        bucket: latency,
        agentId: e.agentId,
        total: sql<number>`count(*)::int`,
        failures: sql<number>`(count(*) filter (where ${e.processingStatus} = 'failed'))::int`,
        sumMs: sql<number>`coalesce(sum(${e.processingMs}), 0)::float8`,
        agentTotal: sql<number>`(count(*) filter (where ${e.outcome} in ('success', 'failure')))::int`,
        agentFailures: sql<number>`(count(*) filter (where ${e.outcome} = 'failure'))::int`,
      })
      .from(e)
      .where(and(gte(e.receivedAt, from), lt(e.receivedAt, to)))
      .groupBy(sql`grouping sets ((${te}, ${e.eventType}, ${e.outcome}), (${te}, ${latency}), (${te}, ${e.agentId}))`),
    db
      .select({ t: tr, reason: webhookRejections.reason, total: sql<number>`coalesce(sum(${webhookRejections.occurrences}), 0)::int` })
      .from(webhookRejections)
      .where(and(gte(webhookRejections.receivedAt, from), lt(webhookRejections.receivedAt, to)))
      .groupBy(tr, webhookRejections.reason),
    db
      .select({
        t: th,
        route: httpRequestRollups.route,
        status: httpRequestRollups.status,
        total: sql<number>`coalesce(sum(${httpRequestRollups.count}), 0)::int`,
        sumMs: sql<number>`coalesce(sum(${httpRequestRollups.sumMs}), 0)::float8`,
      })
      .from(httpRequestRollups)
      .where(and(gte(httpRequestRollups.minute, from), lt(httpRequestRollups.minute, to)))
      .groupBy(th, httpRequestRollups.route, httpRequestRollups.status),
    db
      .select({
        t: tw,
        set: sql<number>`grouping(${w.status}, ${e2eBucket})::int`,
        status: w.status,
        bucket: e2eBucket,
        total: sql<number>`count(*)::int`,
        sumMs: sql<number>`coalesce(sum(${e2e}) filter (where ${completed}), 0)::float8`,
      })
      .from(w)
      .where(and(gte(w.firstEventAt, from), lt(w.firstEventAt, to)))
      .groupBy(sql`grouping sets ((${tw}, ${w.status}), (${tw}, ${e2eBucket}))`),
    db
      .select({
        t: ts,
        set: sql<number>`grouping(${s.status}, ${opalBucket}, ${durationBucket})::int`,
        status: s.status,
        opal: opalBucket,
        duration: durationBucket,
        total: sql<number>`count(*)::int`,
        opalMs: sql<number>`coalesce(sum(${s.opalLatencyMs}), 0)::float8`,
        durationMs: sql<number>`coalesce(sum(${s.durationMs}), 0)::float8`,
      })
      .from(s)
      .where(and(gte(s.createdAt, from), lt(s.createdAt, to)))
      .groupBy(sql`grouping sets ((${ts}, ${s.status}), (${ts}, ${opalBucket}), (${ts}, ${durationBucket}))`),
    db
      .select({ t: td, total: sql<number>`coalesce(sum(${d.copies}), 0)::int` })
      .from(d)
      .where(and(gte(d.minute, from), lt(d.minute, to)))
      .groupBy(td),
  ]);

  const rows = new Map<string, Aggregate>();
  const row = (t: number | string, series: string, dimension: string): Aggregate => {
    const key = `${t}\u0000${series}\u0000${dimension}`;
    let r = rows.get(key);
    if (!r) {
      r = { t: Number(t), series, dimension, total: 0, failures: 0, sumMs: 0, histogram: {} };
      rows.set(key, r);
    }
    return r;
  };
  const add = (r: Aggregate, total: number, failures: number, sumMs: number) => {
    r.total += total;
    r.failures += failures;
    r.sumMs += sumMs;
  };
  const count = (r: Aggregate, bucket: number, n: number) => {
    r.histogram[String(bucket)] = (r.histogram[String(bucket)] ?? 0) + n;
  };

  for (const v of events) {
    if (v.set === EVENTS_BY_TYPE) {
      add(row(v.t, SERIES.events, DIM.all), v.total, v.failures, v.sumMs);
      add(row(v.t, SERIES.events, `event_type:${v.eventType}`), v.total, v.failures, v.sumMs);
      add(row(v.t, SERIES.events, `outcome:${v.outcome}`), v.total, v.failures, v.sumMs);
    } else if (v.set === EVENTS_BY_LATENCY && v.bucket !== null) {
      count(row(v.t, SERIES.events, DIM.all), v.bucket, v.total);
    } else if (v.set === EVENTS_BY_AGENT && v.agentId !== null && v.agentTotal > 0) {
      add(row(v.t, SERIES.events, `agent:${v.agentId}`), v.agentTotal, v.agentFailures, 0);
    }
  }
  for (const r of rejections) add(row(r.t, SERIES.rejections, r.reason), r.total, 0, 0);
  for (const c of duplicates) add(row(c.t, SERIES.events, DIM.duplicates), c.total, 0, 0);
  for (const h of http) add(row(h.t, SERIES.http, `${h.status} ${h.route}`), h.total, h.status >= 500 ? h.total : 0, h.sumMs);
  for (const v of wf) {
    if (v.set === WF_BY_STATUS) add(row(v.t, SERIES.workflows, `status:${v.status}`), v.total, 0, 0);
    else if (v.set === WF_BY_DURATION && v.bucket !== null) {
      const r = row(v.t, SERIES.workflows, DIM.endToEnd);
      add(r, v.total, 0, v.sumMs);
      count(r, v.bucket, v.total);
    }
  }
  for (const v of sync) {
    if (v.set === SYNC_BY_STATUS) add(row(v.t, SERIES.sync, `status:${v.status}`), v.total, v.status === 'failed' ? v.total : 0, 0);
    else if (v.set === SYNC_BY_OPAL && v.opal !== null) {
      const r = row(v.t, SERIES.sync, DIM.opalLatency);
      add(r, v.total, 0, v.opalMs);
      count(r, v.opal, v.total);
    } else if (v.set === SYNC_BY_DURATION && v.duration !== null) {
      const r = row(v.t, SERIES.sync, DIM.duration);
      add(r, v.total, 0, v.durationMs);
      count(r, v.duration, v.total);
    }
  }
  return [...rows.values()];
}
