import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../paths';
import { ConfigError } from './config';
import { loadEnvFile } from './load-env-file';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A working directory holding `files` (name → text). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'env-file-test-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadEnvFile', () => {
  it('takes what the real environment lacks from .env in the working directory; the real environment wins, blank included', () => {
    const cwd = folder({ '.env': 'OPAL_WORKSPACE_ID=ws-file\nPORT=4001\nHOST=10.0.0.1\n# a comment\nRETENTION_DAYS="7"\n' });
    const env: Record<string, string | undefined> = { PORT: '4999', HOST: '' };
    const loaded = loadEnvFile(env, cwd);
    expect(env).toEqual({ PORT: '4999', HOST: '', OPAL_WORKSPACE_ID: 'ws-file', RETENTION_DAYS: '7' });
    expect(loaded).toEqual({ file: join(cwd, '.env'), variables: ['OPAL_WORKSPACE_ID', 'RETENTION_DAYS'] });
  });

  it('does nothing without a .env', () => {
    const env: Record<string, string | undefined> = { PORT: '1' };
    expect(loadEnvFile(env, folder({}))).toEqual({ file: undefined, variables: [] });
    expect(env).toEqual({ PORT: '1' });
  });

  it('reads the file ENV_FILE names (relative to the working directory) instead of .env', () => {
    const cwd = folder({ '.env': 'PORT=1\n', 'prod.env': 'PORT=2\n' });
    const env: Record<string, string | undefined> = { ENV_FILE: 'prod.env' };
    expect(loadEnvFile(env, cwd).file).toBe(join(cwd, 'prod.env'));
    expect(env.PORT).toBe('2');
  });

  it('ENV_FILE=/dev/null keeps a .env out (what the tests give the servers they start)', () => {
    const env: Record<string, string | undefined> = { ENV_FILE: devNull };
    expect(loadEnvFile(env, folder({ '.env': 'PORT=1\n' })).variables).toEqual([]);
    expect(env.PORT).toBeUndefined();
  });

  it('refuses an ENV_FILE that cannot be read, naming ENV_FILE', () => {
    const cwd = folder({});
    let error: unknown;
    try {
      loadEnvFile({ ENV_FILE: 'missing.env' }, cwd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).failures).toEqual([
      { variable: 'ENV_FILE', ok: false, message: `cannot read ${join(cwd, 'missing.env')} (ENOENT)` },
    ]);
  });
});

describe('an entry point started in a folder with a .env', { timeout: 120_000 }, () => {
  it('npm run test:config sees the file, and the real environment over it', () => {
    const cwd = folder({ '.env': 'OPAL_WORKSPACE_ID=ws-from-file\nPORT=4001\nDATA_DIR=./from-file-data\n' });
    // tsx by its path: npx would look for it under the temporary folder.
    const result = spawnSync(join(projectRoot, 'node_modules/.bin/tsx'), [join(projectRoot, 'server/config/check-config-cli.ts')], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, PORT: '4999' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`Configuration checks (NODE_ENV=development), with ${join(cwd, '.env')}`);
    expect(result.stdout).toMatch(/^OPAL_WORKSPACE_ID +OK +ws-from-file$/m);
    expect(result.stdout).toMatch(/^PORT +OK +4999$/m);
    expect(result.stdout).toMatch(new RegExp(`^DATA_DIR +OK +${join(cwd, 'from-file-data')} `, 'm'));
  });
});
