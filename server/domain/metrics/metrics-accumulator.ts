import { type Aggregate, DIM, SERIES } from './aggregate-range';
import type { CachedAggregate } from './rollup-hour-cache';
import { type CompactHistogram, LatencyHistogram, type SparseHistogram } from './latency-histogram';
import type { ResolvedRange } from './time-range';

/** Refusals for the signature or its timestamp (the receiver status counts the same ones). */
export const SIGNATURE_REASONS: ReadonlySet<string> = new Set([
  'missing_signature',
  'malformed_signature',
  'invalid_signature',
  'stale_timestamp',
  'future_timestamp',
]);

export const WORKFLOW_STATUSES = ['running', 'completed', 'failed', 'timed_out'] as const;

/** What one time bucket of the charts holds. */
export interface BucketTotals {
  accepted: number;
  /** Copies of stored events that arrived in this bucket (409s, Standard Webhooks duplicates). */
  duplicates: number;
  processingFailed: number;
  reported: number;
  refused: number;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  workflows: Record<'started' | (typeof WORKFLOW_STATUSES)[number], number>;
  sync: { total: number; succeeded: number; failed: number };
}

export interface Endpoint {
  total: number;
  clientErrors: number;
  serverErrors: number;
  sumMs: number;
}

const emptyBucket = (): BucketTotals => ({
  accepted: 0,
  duplicates: 0,
  processingFailed: 0,
  reported: 0,
  refused: 0,
  requests: 0,
  clientErrors: 0,
  serverErrors: 0,
  workflows: { started: 0, running: 0, completed: 0, failed: 0, timed_out: 0 },
  sync: { total: 0, succeeded: 0, failed: 0 },
});

/**
 * Sums a range, whether its figures come from the hourly rollups or from
 * rows computed live: both paths go through the same adders, so they give
 * the same answer (a test holds them to it).
 */
export class MetricsAccumulator {
  readonly buckets: BucketTotals[];
  /** Webhook processing time, per bucket and over the range. */
  readonly bucketLatency: (LatencyHistogram | undefined)[];
  private mergedLatency: LatencyHistogram | undefined;
  readonly endToEnd = new LatencyHistogram();
  readonly opalLatency = new LatencyHistogram();
  readonly syncDuration = new LatencyHistogram();
  readonly agents = new Map<string, { total: number; failures: number }>();
  readonly endpoints = new Map<string, Endpoint>();
  readonly statuses = new Map<number, number>();
  readonly reasons = new Map<string, number>();

  constructor(private readonly range: ResolvedRange) {
    this.buckets = range.buckets.map(emptyBucket);
    this.bucketLatency = range.buckets.map(() => undefined);
  }

  private indexOf(t: number): number {
    const i = Math.floor((t - this.range.fromMs) / this.range.bucketMs);
    return i >= 0 && i < this.buckets.length ? i : -1;
  }

  bucket(t: number): BucketTotals | undefined {
    return this.buckets[this.indexOf(t)];
  }

  addLatency(t: number, histogram: SparseHistogram | CompactHistogram, sumMs: number): void {
    const i = this.indexOf(t);
    if (i < 0) return;
    (this.bucketLatency[i] ??= new LatencyHistogram()).add(histogram, sumMs);
    this.mergedLatency = undefined;
  }

  /** Processing time over the range: the buckets merged densely (cheaper than adding every sparse row twice). */
  get latency(): LatencyHistogram {
    if (!this.mergedLatency) {
      const all = new LatencyHistogram();
      for (const h of this.bucketLatency) if (h) all.merge(h);
      this.mergedLatency = all;
    }
    return this.mergedLatency;
  }

  addAgent(id: string, total: number, failures: number): void {
    const a = this.agents.get(id) ?? { total: 0, failures: 0 };
    a.total += total;
    a.failures += failures;
    this.agents.set(id, a);
  }

  addReason(reason: string, total: number): void {
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + total);
  }

  /** `dimension` of an `http` row: `<status> <METHOD> <route>`. */
  addEndpoint(dimension: string, total: number, sumMs: number): void {
    const space = dimension.indexOf(' ');
    const status = Number(dimension.slice(0, space));
    const route = dimension.slice(space + 1);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + total);
    const e = this.endpoints.get(route) ?? { total: 0, clientErrors: 0, serverErrors: 0, sumMs: 0 };
    e.total += total;
    if (status >= 400 && status < 500) e.clientErrors += total;
    if (status >= 500) e.serverErrors += total;
    e.sumMs += sumMs;
    this.endpoints.set(route, e);
  }

  /** One row, computed live or read from the rollups. */
  fold(a: Aggregate | CachedAggregate): void {
    const b = this.bucket(a.t);
    if (!b) return;
    switch (a.series) {
      case SERIES.events:
        if (a.dimension === DIM.all) {
          b.accepted += a.total;
          b.processingFailed += a.failures;
          this.addLatency(a.t, a.histogram ?? {}, a.sumMs);
        } else if (a.dimension === DIM.duplicates) b.duplicates += a.total;
        else if (a.dimension === 'outcome:failure') b.reported += a.total;
        else if (a.dimension.startsWith('agent:')) this.addAgent(a.dimension.slice('agent:'.length), a.total, a.failures);
        return;
      case SERIES.rejections:
        b.refused += a.total;
        this.addReason(a.dimension, a.total);
        return;
      case SERIES.http: {
        const status = Number(a.dimension.slice(0, a.dimension.indexOf(' ')));
        b.requests += a.total;
        if (status >= 400 && status < 500) b.clientErrors += a.total;
        if (status >= 500) b.serverErrors += a.total;
        this.addEndpoint(a.dimension, a.total, a.sumMs);
        return;
      }
      case SERIES.workflows:
        if (a.dimension === DIM.endToEnd) this.endToEnd.add(a.histogram ?? {}, a.sumMs);
        else if (a.dimension.startsWith('status:')) this.addWorkflowStatus(b, a.dimension.slice('status:'.length), a.total);
        return;
      case SERIES.sync:
        if (a.dimension === DIM.opalLatency) this.opalLatency.add(a.histogram ?? {}, a.sumMs);
        else if (a.dimension === DIM.duration) this.syncDuration.add(a.histogram ?? {}, a.sumMs);
        else if (a.dimension.startsWith('status:')) this.addSyncStatus(b, a.dimension.slice('status:'.length), a.total);
        return;
    }
  }

  addWorkflowStatus(b: BucketTotals, status: string, total: number): void {
    b.workflows.started += total;
    if ((WORKFLOW_STATUSES as readonly string[]).includes(status)) b.workflows[status as (typeof WORKFLOW_STATUSES)[number]] += total;
  }

  addSyncStatus(b: BucketTotals, status: string, total: number): void {
    b.sync.total += total;
    if (status === 'triggered') b.sync.succeeded += total;
    if (status === 'failed') b.sync.failed += total;
  }

  /** Range totals: the sum of the buckets. */
  totals(): BucketTotals {
    const t = emptyBucket();
    for (const b of this.buckets) {
      t.accepted += b.accepted;
      t.duplicates += b.duplicates;
      t.processingFailed += b.processingFailed;
      t.reported += b.reported;
      t.refused += b.refused;
      t.requests += b.requests;
      t.clientErrors += b.clientErrors;
      t.serverErrors += b.serverErrors;
      for (const k of Object.keys(t.workflows) as (keyof BucketTotals['workflows'])[]) t.workflows[k] += b.workflows[k];
      t.sync.total += b.sync.total;
      t.sync.succeeded += b.sync.succeeded;
      t.sync.failed += b.sync.failed;
    }
    return t;
  }

  signatureFailures(): number {
    let n = 0;
    for (const [reason, count] of this.reasons) if (SIGNATURE_REASONS.has(reason)) n += count;
    return n;
  }
}
