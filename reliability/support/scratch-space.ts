import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { DriverName } from '../../server/db/database';
import { createPostgresDatabase } from '../../server/test-support/test-database';
import type { StoreTarget } from './ledger';
import { freshDir, killAllServerProcesses, serverEnv } from './server-process';

export interface Scratch {
  /** Logs, and the PGlite data folder. */
  dir: string;
  dataDir: string;
  /** Set on PostgreSQL: a database of this test's own. */
  databaseUrl: string | undefined;
  target: StoreTarget;
  env: Record<string, string>;
}

/**
 * A folder and, on PostgreSQL, a database for one fault test, removed after
 * it (its server processes killed first); kept, and named, when it failed.
 */
export function scratchSpace(driver: DriverName, name: string): { create(): Promise<Scratch>; passed(): void } {
  let dir = '';
  let drop: (() => Promise<void>) | undefined;
  let passed = false;
  afterAll(async () => {
    await killAllServerProcesses();
    await drop?.();
    if (!dir) return;
    if (passed) rmSync(dir, { recursive: true, force: true });
    else console.error(`${name} (${driver}): logs kept in ${dir}`);
  });
  return {
    async create() {
      dir = freshDir(`${name}-${driver}`);
      const dataDir = join(dir, 'data');
      let databaseUrl: string | undefined;
      if (driver === 'postgres') {
        const pg = await createPostgresDatabase();
        drop = pg.drop;
        databaseUrl = pg.url;
      }
      const target: StoreTarget = databaseUrl ? { driver: 'postgres', url: databaseUrl } : { driver: 'pglite', dataDir };
      return { dir, dataDir, databaseUrl, target, env: serverEnv({ dataDir, databaseUrl }) };
    },
    passed: () => {
      passed = true;
    },
  };
}
