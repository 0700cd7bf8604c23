import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrationsFolder, projectRoot } from '../paths';
import { createPostgresDatabase } from '../test-support/test-database';
import { NO_ENV_FILE } from '../test-support/test-envs';
import { makeEvent, postOsa } from '../test-support/webhook-client';


function run(script: string, env: Record<string, string>): ChildProcess & { output: Promise<{ code: number | null; text: string }> } {
  // One process (not the tsx wrapper), so that a signal reaches the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, script)], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', ...NO_ENV_FILE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (d) => (text += String(d)));
  child.stderr.on('data', (d) => (text += String(d)));
  const output = new Promise<{ code: number | null; text: string }>((resolve) => child.on('exit', (code) => resolve({ code, text })));
  return Object.assign(child, { output });
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('migrations on one PostgreSQL from two processes', () => {
  it('two processes starting at once migrate once, and both succeed', async () => {
    const pg = await createPostgresDatabase();
    try {
      const env = { DATABASE_URL: pg.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'ofs-mig-')) };
      const [a, b] = await Promise.all([run('server/db/migrate-cli.ts', env).output, run('server/db/migrate-cli.ts', env).output]);
      expect(a.code, a.text).toBe(0);
      expect(b.code, b.text).toBe(0);
      const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
      const rows = await sql`select hash from drizzle.__drizzle_migrations`;
      await sql.end();
      expect(rows.length).toBe(readMigrationFiles({ migrationsFolder }).length);
    } finally {
      await pg.drop();
    }
  }, 60_000);
});

describe('PGlite data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ofs-pglite-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  const serve = () => {
    const c = run('server/main.ts', { DATA_DIR: dataDir, PORT: '0', OPAL_DEBUG_MODE: 'false' });
    children.push(c);
    let text = '';
    c.stdout!.on('data', (d) => (text += String(d)));
    const port = () => Number(/"port":(\d+)/.exec(text)?.[1]);
    return { child: c, listening: () => text.includes('listening'), url: () => `http://127.0.0.1:${port()}` };
  };
  const secret = () => (JSON.parse(readFileSync(join(dataDir, 'dev-secrets.json'), 'utf8')) as Record<string, string>).OSA_WEBHOOK_SHARED_SECRET!;

  it('is held by one process; a second is refused clearly; a SIGKILLed holder\'s directory reopens', async () => {
    const first = serve();
    await waitFor(first.listening, 30_000);
    const event = makeEvent();
    const accepted = await postOsa(first.url(), secret(), event);
    expect(accepted.status).toBe(202);

    const second = await run('server/main.ts', { DATA_DIR: dataDir, PORT: '0' }).output;
    expect(second.code).not.toBe(0);
    expect(second.text).toMatch(/in use by another process \(pid \d+\)/);

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const third = serve();
    await waitFor(third.listening, 30_000);
    // What was acknowledged before the kill is still there.
    const again = await postOsa(third.url(), secret(), event);
    expect(again.status).toBe(409);
    expect(again.body.event_id).toBe(accepted.body.event_id);
    third.child.kill('SIGTERM');
    const exit = await new Promise<number | null>((r) => third.child.once('exit', r));
    expect(exit).toBe(0);
  }, 90_000);
});
