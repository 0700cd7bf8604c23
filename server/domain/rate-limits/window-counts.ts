import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { rateLimitHits } from '../../db/schema';

/** A key's hits in its current window, and when that window ends. */
export interface WindowCount {
  hits: number;
  resetAt: Date;
}

export interface CountKey {
  /** Which limiter: several share the table. */
  prefix: string;
  key: string;
}

/**
 * Counts one hit in a fixed window, shared by every process on the database.
 * One statement: the primary key's row lock serialises concurrent hits (on
 * PostgreSQL, ON CONFLICT DO UPDATE re-reads the row a concurrent statement
 * committed), so N hits from any number of processes return 1..N, each once.
 * A window that has ended is restarted by the same statement.
 *
 * The clock is the caller's (the server's `now`, as sessions and jobs use):
 * processes whose clocks differ by a second move a window's end by a second,
 * which a login limit does not notice.
 */
export async function countHit(db: Db, k: CountKey & { windowMs: number; at: number }): Promise<WindowCount> {
  const now = new Date(k.at);
  const resetAt = new Date(k.at + k.windowMs);
  // Through the column, so the driver is given the timestamp as it expects it.
  const ended = lte(rateLimitHits.resetAt, now);
  const [row] = await db
    .insert(rateLimitHits)
    .values({ prefix: k.prefix, key: k.key, hits: 1, resetAt })
    .onConflictDoUpdate({
      target: [rateLimitHits.prefix, rateLimitHits.key],
      set: {
        hits: sql`case when ${ended} then 1 else ${rateLimitHits.hits} + 1 end`,
        resetAt: sql`case when ${ended} then excluded.reset_at else ${rateLimitHits.resetAt} end`,
      },
    })
    .returning({ hits: rateLimitHits.hits, resetAt: rateLimitHits.resetAt });
  return row!;
}

/** The current window's count, or undefined when there is none. */
export async function readCount(db: Db, k: CountKey & { at: number }): Promise<WindowCount | undefined> {
  const [row] = await db
    .select({ hits: rateLimitHits.hits, resetAt: rateLimitHits.resetAt })
    .from(rateLimitHits)
    .where(and(eq(rateLimitHits.prefix, k.prefix), eq(rateLimitHits.key, k.key), gt(rateLimitHits.resetAt, new Date(k.at))));
  return row;
}

/** Takes one hit back from the current window (never below 0; an ended window is left alone). */
export async function takeBackHit(db: Db, k: CountKey & { at: number }): Promise<void> {
  await db
    .update(rateLimitHits)
    .set({ hits: sql`${rateLimitHits.hits} - 1` })
    .where(
      and(eq(rateLimitHits.prefix, k.prefix), eq(rateLimitHits.key, k.key), gt(rateLimitHits.hits, 0), gt(rateLimitHits.resetAt, new Date(k.at))),
    );
}

export async function clearCount(db: Db, k: CountKey): Promise<void> {
  await db.delete(rateLimitHits).where(and(eq(rateLimitHits.prefix, k.prefix), eq(rateLimitHits.key, k.key)));
}

export async function clearPrefix(db: Db, prefix: string): Promise<void> {
  await db.delete(rateLimitHits).where(eq(rateLimitHits.prefix, prefix));
}

/** Rows whose window has ended count nothing any more: the next hit would restart them anyway. */
export async function deleteEndedWindows(db: Db, at: number): Promise<number> {
  const gone = await db.delete(rateLimitHits).where(lte(rateLimitHits.resetAt, new Date(at))).returning({ key: rateLimitHits.key });
  return gone.length;
}
