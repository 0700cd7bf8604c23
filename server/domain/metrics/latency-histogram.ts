import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';

/**
 * Log-spaced latency buckets shared by the hourly rollups (computed in SQL)
 * and the metrics service (merged in JS). Bucket 0 holds values below 1 ms;
 * bucket i ≥ 1 holds [RATIO^(i-1), RATIO^i) ms; the last bucket also holds
 * everything from about an hour up. With RATIO = 1.03 an estimate inside a
 * bucket is never more than 3% from a value in it, which keeps percentiles
 * read from rollups within the 5% the issue asks for.
 */
export const RATIO = 1.03;
const LN_RATIO = Math.log(RATIO);
/** The bucket whose lower bound first reaches one hour. */
export const LAST_BUCKET = Math.ceil(Math.log(3_600_000) / LN_RATIO) + 1;

/** Sparse histogram as stored in `hourly_rollups.histogram`: bucket index → count. */
export type SparseHistogram = Record<string, number>;

export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(LAST_BUCKET, Math.floor(Math.log(ms) / LN_RATIO) + 1);
}

export function boundsOf(bucket: number): { lo: number; hi: number } {
  if (bucket <= 0) return { lo: 0, hi: 1 };
  const lo = RATIO ** (bucket - 1);
  // The last bucket is open-ended: its estimate is its lower bound.
  return { lo, hi: bucket >= LAST_BUCKET ? lo : RATIO ** bucket };
}

/**
 * The same bucket index, computed by the database (no rounding differences
 * matter: only counts leave SQL); null for null (least() would skip it).
 */
export function bucketSql(column: SQLWrapper): SQL<number | null> {
  return sql<number | null>`(case when ${column} is null then null when ${column} < 1 then 0 else least(${sql.raw(String(LAST_BUCKET))}, floor(ln(${column}::float8) / ln(${sql.raw(String(RATIO))}::float8))::int + 1) end)`;
}

/** A sparse histogram decoded once: bucket indexes and their counts, side by side. */
export interface CompactHistogram {
  buckets: Uint16Array;
  counts: Float64Array;
}

/** Decodes a stored histogram (junk keys and non-positive counts are dropped). */
export function compact(h: SparseHistogram): CompactHistogram {
  const buckets: number[] = [];
  const counts: number[] = [];
  for (const k in h) {
    const i = Number(k);
    const v = h[k]!;
    if (!(i >= 0 && i <= LAST_BUCKET && Number.isInteger(i) && v > 0)) continue;
    buckets.push(i);
    counts.push(v);
  }
  return { buckets: Uint16Array.from(buckets), counts: Float64Array.from(counts) };
}

/** A dense, mergeable histogram: merging a day of hours is a few thousand additions. */
export class LatencyHistogram {
  readonly counts = new Float64Array(LAST_BUCKET + 1);
  count = 0;
  sumMs = 0;

  addSparse(h: SparseHistogram, sumMs = 0): void {
    // for…in, not Object.entries: a week is ~40,000 keys, and this is the hot loop.
    for (const k in h) {
      const i = Number(k);
      const v = h[k]!;
      if (!(i >= 0 && i <= LAST_BUCKET && Number.isInteger(i) && v > 0)) continue;
      this.counts[i]! += v;
      this.count += v;
    }
    this.sumMs += sumMs;
  }

  addCompact(h: CompactHistogram, sumMs = 0): void {
    for (let j = 0; j < h.buckets.length; j++) {
      this.counts[h.buckets[j]!]! += h.counts[j]!;
      this.count += h.counts[j]!;
    }
    this.sumMs += sumMs;
  }

  add(h: SparseHistogram | CompactHistogram, sumMs = 0): void {
    if (h.buckets instanceof Uint16Array) this.addCompact(h as CompactHistogram, sumMs);
    else this.addSparse(h as SparseHistogram, sumMs);
  }

  addBucket(bucket: number, count: number): void {
    const i = Math.max(0, Math.min(LAST_BUCKET, bucket));
    this.counts[i]! += count;
    this.count += count;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sumMs += other.sumMs;
  }

  toSparse(): SparseHistogram {
    const out: SparseHistogram = {};
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]! > 0) out[String(i)] = this.counts[i]!;
    return out;
  }

  /**
   * Percentiles as percentile_cont computes them (rank p·(n-1), linear
   * between neighbours), with each item placed evenly inside its bucket; a
   * bucket narrower than 1 ms holds one whole millisecond at most (the
   * sources are whole milliseconds), which is then exact. `ps` ascending;
   * null when empty.
   */
  percentiles(ps: readonly number[]): (number | null)[] {
    if (this.count === 0) return ps.map(() => null);
    // A cursor over the buckets; it restarts only when asked for an earlier item.
    let bucket = 0;
    let before = 0;
    const valueAt = (item: number): number => {
      if (item < before) {
        bucket = 0;
        before = 0;
      }
      while (bucket < LAST_BUCKET && before + this.counts[bucket]! <= item) {
        before += this.counts[bucket]!;
        bucket++;
      }
      const n = this.counts[bucket]!;
      const { lo, hi } = boundsOf(bucket);
      if (hi - lo < 1 && Math.ceil(lo) < hi) return Math.ceil(lo);
      return n > 0 ? lo + ((hi - lo) * (Math.min(n - 1, item - before) + 0.5)) / n : lo;
    };
    return ps.map((p) => {
      const rank = p * (this.count - 1);
      const k = Math.floor(rank);
      const low = valueAt(k);
      const frac = rank - k;
      return frac === 0 || k + 1 >= this.count ? low : low + frac * (valueAt(k + 1) - low);
    });
  }

  avg(): number | null {
    return this.count === 0 ? null : this.sumMs / this.count;
  }
}
