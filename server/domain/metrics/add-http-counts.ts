import { sql } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { httpRequestRollups } from '../../db/schema';

export interface HttpCount {
  minute: Date;
  route: string;
  status: number;
  count: number;
  sumMs: number;
}

const CHUNK = 500;

/**
 * Adds counts to the per-minute table. Additive upsert: every process adds
 * its own counts to the same rows, so several processes (and two flushes of
 * one) sum up instead of overwriting each other.
 */
export async function addHttpCounts(db: Db, counts: HttpCount[]): Promise<void> {
  for (let i = 0; i < counts.length; i += CHUNK) {
    await db
      .insert(httpRequestRollups)
      .values(counts.slice(i, i + CHUNK))
      .onConflictDoUpdate({
        target: [httpRequestRollups.minute, httpRequestRollups.route, httpRequestRollups.status],
        set: {
          count: sql`${httpRequestRollups.count} + excluded.count`,
          sumMs: sql`${httpRequestRollups.sumMs} + excluded.sum_ms`,
        },
      });
  }
}
