import { type ClientRateLimitInfo, type IncrementResponse, MemoryStore, type Options, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import { isDatabaseUnavailable, withDeadline } from '../db/db-errors';
import { clearCount, clearPrefix, countHit, readCount, takeBackHit } from '../domain/rate-limits/window-counts';

/**
 * An express-rate-limit store whose counts live in the database, so that
 * every process behind the load balancer counts against one limit
 * (server/domain/rate-limits/README.md has the rules). The window is
 * express-rate-limit's `windowMs`, given to `init`.
 *
 * When the database cannot be reached, or does not count within
 * `deadlineMs` (an upsert on a primary key takes a millisecond; a pool
 * waiting to reconnect takes seconds), the hit is counted in this process's
 * memory instead, with one warning per outage; any other error is a fault
 * of ours and goes on to the error handler. Why not the alternatives:
 * - `passOnStoreError` (fail open) lets every attempt through unlimited for
 *   as long as counting fails, and counting can fail while sign-in's own
 *   queries still answer (a statement timeout, one dropped connection).
 * - Failing closed turns the limiter's trouble into a 503 of its own.
 * Counting in memory keeps a limit (per process while it lasts), and sign-in,
 * which needs the database anyway, answers for itself: 503 while the
 * database is away, never a 500.
 */
export class DatabaseRateLimitStore implements Store {
  /** Counts in other processes' instances affect this one. */
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;
  private readonly fallback = new MemoryStore();
  private degraded = false;

  constructor(private readonly o: { db: Db; prefix: string; now: () => number; logger: Logger; deadlineMs?: number }) {
    this.prefix = o.prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.fallback.init(options);
  }

  async increment(key: string): Promise<IncrementResponse> {
    try {
      const c = await withDeadline(countHit(this.o.db, { prefix: this.prefix, key, windowMs: this.windowMs, at: this.o.now() }), this.o.deadlineMs ?? 1000);
      if (this.degraded) {
        this.degraded = false;
        this.o.logger.info({ limiter: this.prefix }, 'rate limit: counting in the database again');
      }
      return { totalHits: c.hits, resetTime: c.resetAt };
    } catch (err) {
      // Anything else is a fault of ours, and should be as loud as one.
      if (!isDatabaseUnavailable(err)) throw err;
      if (!this.degraded) {
        this.degraded = true;
        this.o.logger.warn({ err, limiter: this.prefix }, 'rate limit: the database cannot count; counting in this process until it can');
      }
      return this.fallback.increment(key);
    }
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const c = await readCount(this.o.db, { prefix: this.prefix, key, at: this.o.now() });
    return c && { totalHits: c.hits, resetTime: c.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await takeBackHit(this.o.db, { prefix: this.prefix, key, at: this.o.now() });
  }

  async resetKey(key: string): Promise<void> {
    this.fallback.resetKey(key);
    await clearCount(this.o.db, { prefix: this.prefix, key });
  }

  async resetAll(): Promise<void> {
    this.fallback.resetAll();
    await clearPrefix(this.o.db, this.prefix);
  }

  shutdown(): void {
    this.fallback.shutdown();
  }
}
