import { count, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../db/schema';
import type { TestServer } from './test-server';

/**
 * Every table of the schema with its row count, once everything queued has
 * been written: "nothing stored" means all of them are unchanged. A dropped
 * table makes the count throw.
 */
export async function tableCounts(s: TestServer, opts: { except?: string[] } = {}): Promise<Record<string, number>> {
  await s.settle();
  await s.ctx.audit.flush();
  await s.ctx.rejections.flush();
  const out: Record<string, number> = {};
  for (const table of Object.values(schema)) {
    if (!is(table, PgTable) || opts.except?.includes(getTableName(table))) continue;
    const [row] = await s.ctx.db.select({ n: count() }).from(table);
    out[getTableName(table)] = row!.n;
  }
  return out;
}
