import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { migrationsFolder } from '../paths';
import type { Database, Db } from './database';
import { initPgliteFolder } from './pglite-init';
import { acquireDataDirLock } from './pglite-lock';
import { withoutRollbackOnDeadConnection } from './postgres-transaction-guard';
import * as schema from './schema';

export type DatabaseTarget =
  | { driver: 'postgres'; url: string; prepare: boolean; maxConnections?: number }
  /** `dataDir: undefined` keeps the database in memory (tests). */
  | { driver: 'pglite'; dataDir: string | undefined };

// Any constant works; it only has to be the same in every process.
const MIGRATION_LOCK_KEY = 7_402_118_361;

/** Opens the database and brings its schema up to date. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.driver === 'postgres' ? openPostgres(target) : openPglite(target.dataDir);
}

async function openPostgres(target: { url: string; prepare: boolean; maxConnections?: number }): Promise<Database> {
  const client = postgres(target.url, {
    max: target.maxConnections ?? 10,
    prepare: target.prepare,
    // Bounded waits: a request must get a 503, not hang, when the database is away.
    connect_timeout: 5,
    idle_timeout: 60,
    onnotice: () => {},
    connection: { application_name: 'opal-force-sync' },
  });
  const db = drizzlePostgres(withoutRollbackOnDeadConnection(client), { schema }) as unknown as Db;
  try {
    // Several processes may start at once: the advisory lock lets one migrate
    // while the others wait, then find nothing left to do.
    const reserved = await client.reserve();
    try {
      await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      try {
        await migratePostgres(drizzlePostgres(client, { schema }), { migrationsFolder });
      } finally {
        await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      }
    } finally {
      reserved.release();
    }
  } catch (e) {
    await client.end({ timeout: 1 });
    throw e;
  }
  return {
    db,
    driver: 'postgres',
    prepare: target.prepare,
    run: async <Row>(text: string, params: unknown[]) =>
      (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: target.prepare })) as unknown as Row[],
    // postgres.js listens on a connection of its own, outside the pool, and listens again after a reconnect.
    listen: async (channel, onPayload, onListening) => {
      const { unlisten } = await client.listen(channel, onPayload, onListening);
      return unlisten;
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  let release = () => {};
  let pg: PGlite;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = acquireDataDirLock(dataDir);
    const pgDir = join(dataDir, 'pglite');
    mkdirSync(pgDir, { recursive: true });
    try {
      await initPgliteFolder(pgDir);
    } catch (e) {
      release();
      throw e;
    }
    pg = new PGlite(pgDir);
  } else {
    pg = new PGlite();
  }
  try {
    await pg.waitReady;
    const db = drizzlePglite(pg, { schema }) as unknown as Db;
    await migratePglite(drizzlePglite(pg, { schema }), { migrationsFolder });
    return {
      db,
      driver: 'pglite',
      prepare: true,
      run: async <Row>(text: string, params: unknown[]) => (await pg.query<Row>(text, params)).rows,
      // In-process: PGlite delivers a NOTIFY when its transaction commits (checked in open-database.test.ts).
      listen: async (channel, onPayload, onListening) => {
        const unlisten = await pg.listen(channel, onPayload);
        onListening?.();
        return unlisten;
      },
      ping: async () => {
        await pg.query('select 1');
      },
      close: async () => {
        await pg.close();
        release();
      },
    };
  } catch (e) {
    await pg.close().catch(() => {});
    release();
    throw e;
  }
}
