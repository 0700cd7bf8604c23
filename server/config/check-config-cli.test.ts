import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_SECRETS_FILE } from './dev-secrets';
import { NO_ENV_FILE, SECRETS, VALID_PRODUCTION_ENV, leaksSecret } from '../test-support/test-envs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs `npm run test:config`'s command with only PATH, HOME and `env` set. */
function runCli(env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'config-cli-test-'));
  dirs.push(cwd);
  const result = spawnSync('npx', ['--no-install', 'tsx', join(root, 'server/config/check-config-cli.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, DATA_DIR: join(cwd, 'data'), ...NO_ENV_FILE, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, output: result.stdout + result.stderr, dataDir: join(cwd, 'data') };
}

const secretsIn = (text: string) => Object.values(SECRETS).filter((s) => leaksSecret(text, s));

describe('npm run test:config', { timeout: 120_000 }, () => {
  it('prints an aligned table and exits 0 in development, keeping the generated secrets out of it', () => {
    const { status, stdout, output, dataDir } = runCli({});
    expect(status).toBe(0);
    expect(stdout).toMatch(/^VARIABLE +STATUS +MESSAGE$/m);
    expect(stdout).toMatch(/^OPAL_STRATEGY_WORKFLOW_AUTH_KEY +OK +generated for development/m);
    expect(stdout).toMatch(/^database +OK +PGlite in /m);
    expect(stdout).toContain('30 checks: 30 OK, 0 FAIL');
    // Every row's status column starts at the same offset.
    const rows = stdout.split('\n').filter((l) => / (OK|FAIL) /.test(l));
    expect(new Set(rows.map((l) => l.search(/ (OK|FAIL) /))).size).toBe(1);

    const generated = JSON.parse(readFileSync(join(dataDir, DEV_SECRETS_FILE), 'utf8')) as Record<string, string>;
    for (const value of Object.values(generated)) expect(leaksSecret(output, value)).toBe(false);
  });

  it('exits 0 with a valid production configuration and prints no secret', () => {
    const { status, output } = runCli(VALID_PRODUCTION_ENV);
    expect(status).toBe(0);
    expect(output).toContain('30 OK, 0 FAIL');
    expect(secretsIn(output)).toEqual([]);
  });

  it('exits 1 with a failing production configuration, prints the failures and no secret', () => {
    const { status, stdout, output } = runCli({
      ...VALID_PRODUCTION_ENV,
      BASE_URL: 'http://force-sync.acme.test',
      OPAL_TOOL_TOKEN: SECRETS.toolToken.slice(0, 20),
      API_KEYS: `ci:client:${SECRETS.apiKeyCi},ops:operator`,
    });
    expect(status).toBe(1);
    expect(stdout).toContain('Configuration refused');
    expect(stdout).toMatch(/^BASE_URL +FAIL +must be https in production$/m);
    expect(stdout).toMatch(/^OPAL_TOOL_TOKEN +FAIL +shorter than 32 characters$/m);
    expect(stdout).toMatch(/^API_KEYS +FAIL +malformed: entry 2: expected name:role:key$/m);
    expect(secretsIn(output)).toEqual([]);
  });
});
