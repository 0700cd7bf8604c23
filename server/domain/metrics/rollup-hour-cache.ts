import type { Aggregate } from './aggregate-range';
import type { CompactHistogram } from './latency-histogram';

/** A stored aggregate as this process keeps it: the histogram decoded once. */
export type CachedAggregate = Omit<Aggregate, 'histogram'> & { histogram: CompactHistogram | undefined };

/** 32 days of hours, with room to spare. */
const MAX_HOURS = 1_000;

/**
 * Rolled-up hours as this process decoded them. The job rewrites an hour
 * whole in one transaction with one `computed_at`, so an hour's marker
 * `computed_at` is the version of all its rows: an entry is used only at
 * the version it was read at, and every process stays right without being
 * told. A week then costs a read of 168 markers and of the few hours the
 * job rewrote since, not of half a megabyte of rows and JSON.
 */
export class RollupHourCache {
  private readonly hours = new Map<number, { version: number; rows: CachedAggregate[] }>();

  get(hour: number, version: number): CachedAggregate[] | undefined {
    const e = this.hours.get(hour);
    return e && e.version === version ? e.rows : undefined;
  }

  set(hour: number, version: number, rows: CachedAggregate[]): void {
    // Bounded the simple way: a full cache starts again (hours fall out of every range eventually).
    if (this.hours.size >= MAX_HOURS && !this.hours.has(hour)) this.hours.clear();
    this.hours.set(hour, { version, rows });
  }

  get size(): number {
    return this.hours.size;
  }

  clear(): void {
    this.hours.clear();
  }
}
