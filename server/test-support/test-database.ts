import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { Database, DriverName } from '../db/database';
import { openDatabase } from '../db/open-database';

/**
 * The databases every data test runs on: PGlite always, PostgreSQL too when
 * TEST_DATABASE_URL is set. Each test file gets a database of its own, so
 * parallel files never share state.
 */
export const testDrivers: DriverName[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  database: Database;
  /** Set for PostgreSQL: the URL of this test's own database. */
  url: string | undefined;
  dispose(): Promise<void>;
}

/** Creates an empty PostgreSQL database for one test file and returns its URL. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `ofs_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

export async function openTestDatabase(driver: DriverName): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const database = await openDatabase({ driver: 'pglite', dataDir: undefined });
    return { database, url: undefined, dispose: () => database.close() };
  }
  const pg = await createPostgresDatabase();
  const database = await openDatabase({ driver: 'postgres', url: pg.url, prepare: true });
  return {
    database,
    url: pg.url,
    dispose: async () => {
      await database.close();
      await pg.drop();
    },
  };
}
