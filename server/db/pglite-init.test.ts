import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database';
import { initPgliteFolder, PGLITE_SHARED_BUFFERS } from './pglite-init';

describe('initialising an embedded database folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'ofs-pglite-init-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates the cluster out of process, with the small buffer pool, and leaves a ready folder alone', async () => {
    const dataDir = join(root, 'data');
    const database = await openDatabase({ driver: 'pglite', dataDir });
    try {
      const rows = await database.db.execute<{ v: string }>(sql`select current_setting('shared_buffers') as v`);
      expect(JSON.stringify(rows)).toContain(PGLITE_SHARED_BUFFERS);
    } finally {
      await database.close();
    }
    const pgDir = join(dataDir, 'pglite');
    const version = join(pgDir, 'PG_VERSION');
    const before = statSync(version).mtimeMs;
    const autoConf = readFileSync(join(pgDir, 'postgresql.auto.conf'), 'utf8');
    await initPgliteFolder(pgDir);
    expect(statSync(version).mtimeMs).toBe(before);
    expect(readFileSync(join(pgDir, 'postgresql.auto.conf'), 'utf8')).toBe(autoConf);
  });

  it('names the folder when it cannot be initialised', async () => {
    const notAFolder = join(root, 'a-file');
    writeFileSync(notAFolder, 'not a database');
    await expect(initPgliteFolder(notAFolder)).rejects.toThrow(/Could not initialise the embedded database in .*a-file/);
  });
});
