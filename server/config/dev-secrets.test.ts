import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { DEV_SECRETS_FILE } from './dev-secrets';
import { leaksSecret } from '../test-support/test-envs';

const dirs: string[] = [];
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dev-secrets-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('development secrets kept in DATA_DIR', () => {
  it('are generated once, kept with mode 0600, and reused by the next start', () => {
    const cwd = tmp();
    const dataDir = join(cwd, 'nested', 'data');
    const env = { DATA_DIR: 'nested/data' };
    const first = loadConfig(env, { cwd }).config;
    const file = join(dataDir, DEV_SECRETS_FILE);

    expect(modeOf(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      OPAL_STRATEGY_WORKFLOW_AUTH_KEY: first.opal.authKey,
      OSA_WEBHOOK_SHARED_SECRET: first.webhook.secrets[0],
    });
    expect(first.webhook.secrets[0]).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const second = loadConfig(env, { cwd });
    expect(second.config.opal.authKey).toBe(first.opal.authKey);
    expect(second.config.webhook.secrets).toEqual(first.webhook.secrets);
    const message = second.checks.find((c) => c.variable === 'OSA_WEBHOOK_SHARED_SECRET')?.message;
    expect(message).toBe(`generated for development (kept in DATA_DIR: ${file})`);
  });

  it('generates only what is unset, and a value set in the environment wins', () => {
    const cwd = tmp();
    const set = 'set-in-env-webhook-secret-0123456789abcdef';
    const first = loadConfig({ OSA_WEBHOOK_SHARED_SECRET: set }, { cwd }).config;
    expect(first.webhook.secrets).toEqual([set]);
    const stored = JSON.parse(readFileSync(join(cwd, '.data', DEV_SECRETS_FILE), 'utf8')) as Record<string, string>;
    expect(Object.keys(stored)).toEqual(['OPAL_STRATEGY_WORKFLOW_AUTH_KEY']);

    // Unset later: generated then, the earlier auth key kept.
    const second = loadConfig({}, { cwd }).config;
    expect(second.opal.authKey).toBe(first.opal.authKey);
    expect(second.webhook.secrets[0]).toMatch(/^whsec_/);
    expect(loadConfig({}, { cwd }).config.webhook.secrets).toEqual(second.webhook.secrets);
  });

  it('tightens a file others could read', () => {
    const cwd = tmp();
    loadConfig({}, { cwd });
    const file = join(cwd, '.data', DEV_SECRETS_FILE);
    chmodSync(file, 0o644);
    loadConfig({}, { cwd });
    expect(modeOf(file)).toBe(0o600);
  });

  it('writes nothing with persistDevSecrets: false, or when the configuration is refused', () => {
    const cwd = tmp();
    loadConfig({}, { cwd, persistDevSecrets: false });
    expect(() => loadConfig({ PORT: 'abc' }, { cwd })).toThrow(ConfigError);
    expect(existsSync(join(cwd, '.data'))).toBe(false);
  });

  it('refuses an unreadable file, naming DATA_DIR, without quoting its contents', () => {
    const cwd = tmp();
    mkdirSync(join(cwd, '.data'));
    const contents = '{"OSA_WEBHOOK_SHARED_SECRET": "whsec_HALFWRITTENsecretVALUE0123';
    writeFileSync(join(cwd, '.data', DEV_SECRETS_FILE), contents);
    let error: unknown;
    try {
      loadConfig({}, { cwd });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const refusal = error as ConfigError;
    expect(refusal.failures.map((f) => f.variable)).toEqual(['DATA_DIR']);
    expect(refusal.message).toMatch(/not valid JSON; delete it/);
    expect(leaksSecret(refusal.message, 'HALFWRITTENsecretVALUE0123')).toBe(false);
  });
});
