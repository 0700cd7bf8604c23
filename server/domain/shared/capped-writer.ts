import type { Logger } from 'pino';
import { runDetached } from '../../tracing/log-context';

/**
 * Writes records after the answer, at most `perMinuteCap` a minute one by
 * one; beyond the cap they are counted per group and written as one
 * aggregate record, so a flood of refusals cannot become a flood of writes.
 * A write that fails is logged, never thrown: these are records of refusals,
 * not the events themselves.
 */
export class CappedWriter<T> {
  private windowStart = 0;
  private writtenInWindow = 0;
  private overflow = new Map<string, { sample: T; count: number }>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly o: {
      perMinuteCap: number;
      now: () => number;
      logger: Logger;
      what: string;
      groupOf: (record: T) => string;
      write: (records: T[]) => PromiseLike<unknown>;
      /** The one record standing for `count` records of a group over the cap. */
      aggregate: (sample: T, count: number, cap: number, at: Date) => T;
    },
  ) {}

  record(r: T): void {
    const now = this.o.now();
    if (now - this.windowStart >= 60_000) {
      runDetached(() => this.flushOverflow());
      this.windowStart = now;
      this.writtenInWindow = 0;
    }
    if (this.writtenInWindow >= this.o.perMinuteCap) {
      const group = this.o.groupOf(r);
      const o = this.overflow.get(group);
      if (o) o.count++;
      else this.overflow.set(group, { sample: r, count: 1 });
      // The aggregate stands for many requests: its write (and a failure's log line) belongs to none of them.
      this.timer ??= runDetached(() => setTimeout(() => this.flushOverflow(), 5_000).unref());
      return;
    }
    this.writtenInWindow++;
    this.track(this.o.write([r]));
  }

  /** Writes what is counted and waits for every pending write (shutdown, tests). */
  async flush(): Promise<void> {
    this.flushOverflow();
    await Promise.allSettled([...this.inFlight]);
  }

  private flushOverflow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.overflow.size === 0) return;
    const at = new Date(this.o.now());
    const rows = [...this.overflow.values()].map(({ sample, count }) => this.o.aggregate(sample, count, this.o.perMinuteCap, at));
    this.overflow = new Map();
    this.track(this.o.write(rows));
  }

  private track(write: PromiseLike<unknown>): void {
    const p = Promise.resolve(write).catch((e: unknown) => {
      this.o.logger.warn({ err: e }, `could not record ${this.o.what}`);
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
