import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigCheck } from './config';
import { ConfigError, loadConfig } from './config';
import { ENV_VARIABLES } from './env-schema';
import { SECRETS, VALID_PRODUCTION_ENV, leaksSecret } from '../test-support/test-envs';

const dirs: string[] = [];
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function load(env: Record<string, string | undefined>) {
  return loadConfig(env, { cwd: tmp(), persistDevSecrets: false });
}

/** The ConfigError thrown by loading `env`; fails the test if none is. */
function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw ConfigError');
}

function check(checks: ConfigCheck[], variable: string): ConfigCheck {
  const found = checks.find((c) => c.variable === variable);
  if (!found) throw new Error(`no check for ${variable}`);
  return found;
}

describe('loadConfig with nothing set (development)', () => {
  it('applies the development defaults', () => {
    const cwd = tmp();
    const { config } = loadConfig({}, { cwd, persistDevSecrets: false });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      isProduction: false,
      port: 3000,
      host: '127.0.0.1',
      baseUrl: 'http://localhost:3000',
      dataDir: join(cwd, '.data'),
      databaseUrl: undefined,
      databasePrepare: true,
      opal: {
        webhookUrl: undefined,
        workspaceId: 'default-workspace',
        timeoutMs: 10000,
        toolToken: undefined,
        workflowTimeoutMin: 30,
        simulator: { delayMs: 1500, failureRate: 0.1, seed: undefined },
      },
      webhook: { maxBytes: 1048576, rateLimitPerMin: 60000 },
      apiKeys: [],
      admin: { email: undefined, password: undefined },
      alertWebhookUrl: undefined,
      retentionDays: 30,
      corsOrigins: [],
      trustProxy: false,
      debug: false,
    });
  });

  it('generates the auth key and a whsec_ webhook secret in memory without touching the disk', () => {
    const cwd = tmp();
    const { config } = loadConfig({}, { cwd, persistDevSecrets: false });
    expect(config.opal.authKey.length).toBeGreaterThanOrEqual(32);
    expect(config.webhook.secrets).toHaveLength(1);
    expect(Buffer.from(config.webhook.secrets[0]!.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(existsSync(join(cwd, '.data'))).toBe(false);
    const again = loadConfig({}, { cwd, persistDevSecrets: false });
    expect(again.config.opal.authKey).not.toBe(config.opal.authKey);
  });

  it('returns one passing check per variable of the table, plus the database', () => {
    const { checks } = load({});
    expect(checks.map((c) => c.variable)).toEqual([...ENV_VARIABLES, 'database']);
    expect(checks).toHaveLength(30);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(check(checks, 'OPAL_STRATEGY_WORKFLOW_AUTH_KEY').message).toMatch(/generated for development/);
    expect(check(checks, 'database').message).toMatch(/^PGlite in \//);
  });

  it('treats blank values as unset and follows PORT in BASE_URL', () => {
    const { config } = load({ PORT: '4000', HOST: '  ', OPAL_WEBHOOK_URL: '' });
    expect(config.baseUrl).toBe('http://localhost:4000');
    expect(config.host).toBe('127.0.0.1');
    expect(config.opal.webhookUrl).toBeUndefined();
  });

  it('resolves a relative DATA_DIR against cwd and keeps an absolute one', () => {
    const cwd = tmp();
    expect(loadConfig({ DATA_DIR: 'state/db' }, { cwd, persistDevSecrets: false }).config.dataDir).toBe(
      join(cwd, 'state/db'),
    );
    expect(loadConfig({ DATA_DIR: '/srv/opal' }, { cwd, persistDevSecrets: false }).config.dataDir).toBe('/srv/opal');
  });
});

describe('malformed values are refused in every environment', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['OPAL_SIMULATOR_FAILURE_RATE', '2'],
    ['OPAL_TIMEOUT_MS', '10s'],
    ['API_KEYS', 'ci:superuser:k'],
    ['API_KEYS', 'ci:client'],
    ['BASE_URL', 'not a url'],
    ['OPAL_WEBHOOK_URL', 'ftp://opal.acme.test/x'],
    ['ALERT_WEBHOOK_URL', 'hooks.acme.test/alert'],
    ['DATABASE_URL', 'mysql://db/x'],
    ['ADMIN_EMAIL', 'not-an-email'],
    ['OPAL_DEBUG_MODE', 'maybe'],
    ['NODE_ENV', 'staging'],
    ['TRUST_PROXY', 'everyone'],
    ['OSA_WEBHOOK_SHARED_SECRET', ' , '],
  ])('%s=%s in development', (variable, value) => {
    const error = refusal({ [variable]: value });
    expect(error.failures.map((f) => f.variable)).toEqual([variable]);
    expect(error.message).toContain(variable);
    expect(error.failures[0]!.message).toMatch(/^malformed: /);
  });

  it('names every malformed variable at once', () => {
    const error = refusal({ PORT: 'abc', OPAL_SIMULATOR_FAILURE_RATE: '2', RETENTION_DAYS: '-1' });
    expect(error.failures.map((f) => f.variable).sort()).toEqual(
      ['OPAL_SIMULATOR_FAILURE_RATE', 'PORT', 'RETENTION_DAYS'],
    );
    for (const name of ['PORT', 'OPAL_SIMULATOR_FAILURE_RATE', 'RETENTION_DAYS']) expect(error.message).toContain(name);
  });

  it('also refuses them in production, alongside the production failures', () => {
    const error = refusal({ ...VALID_PRODUCTION_ENV, PORT: 'abc', ADMIN_PASSWORD: undefined });
    expect(error.failures.map((f) => f.variable).sort()).toEqual(['ADMIN_PASSWORD', 'PORT']);
  });
});

describe('production', () => {
  it('loads a valid production configuration', () => {
    const { config, checks } = load(VALID_PRODUCTION_ENV);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(config).toMatchObject({
      isProduction: true,
      host: '0.0.0.0',
      baseUrl: 'https://force-sync.acme.test',
      opal: { authKey: SECRETS.authKey, toolToken: SECRETS.toolToken, workspaceId: 'ws-prod-1' },
      webhook: { secrets: [SECRETS.webhookSecret] },
      apiKeys: [
        { name: 'ci', role: 'client', key: SECRETS.apiKeyCi },
        { name: 'ops', role: 'operator', key: SECRETS.apiKeyOps },
      ],
      admin: { email: 'ops@acme.test', password: SECRETS.adminPassword },
    });
    expect(check(checks, 'database').message).toBe('PostgreSQL at db.internal:5432/forcesync');
  });

  it('never generates or writes secrets', () => {
    const cwd = tmp();
    expect(() => loadConfig({ NODE_ENV: 'production' }, { cwd })).toThrow(ConfigError);
    expect(existsSync(join(cwd, '.data'))).toBe(false);
  });

  const short = 'Qz7'.repeat(10); // 30 characters
  const rules: [string, Record<string, string | undefined>][] = [
    ['BASE_URL', { BASE_URL: undefined }],
    ['BASE_URL', { BASE_URL: 'http://force-sync.acme.test' }],
    ['BASE_URL', { BASE_URL: 'http://127.0.0.1:3000' }],
    ['OPAL_WEBHOOK_URL', { OPAL_WEBHOOK_URL: undefined }],
    ['OPAL_WEBHOOK_URL', { OPAL_WEBHOOK_URL: 'http://opal.acme.test/hook' }],
    ['OPAL_WEBHOOK_URL', { OPAL_WEBHOOK_URL: 'http://10.0.0.8/hook' }],
    ['OPAL_STRATEGY_WORKFLOW_AUTH_KEY', { OPAL_STRATEGY_WORKFLOW_AUTH_KEY: undefined }],
    ['OPAL_STRATEGY_WORKFLOW_AUTH_KEY', { OPAL_STRATEGY_WORKFLOW_AUTH_KEY: short }],
    ['OPAL_STRATEGY_WORKFLOW_AUTH_KEY', { OPAL_STRATEGY_WORKFLOW_AUTH_KEY: 'your-32-character-production-auth-key' }],
    ['OPAL_WORKSPACE_ID', { OPAL_WORKSPACE_ID: undefined }],
    ['OPAL_TOOL_TOKEN', { OPAL_TOOL_TOKEN: undefined }],
    ['OPAL_TOOL_TOKEN', { OPAL_TOOL_TOKEN: short }],
    ['OPAL_TOOL_TOKEN', { OPAL_TOOL_TOKEN: 'CHANGEME-0123456789abcdef0123456789' }],
    ['OSA_WEBHOOK_SHARED_SECRET', { OSA_WEBHOOK_SHARED_SECRET: undefined }],
    ['OSA_WEBHOOK_SHARED_SECRET', { OSA_WEBHOOK_SHARED_SECRET: short }],
    ['OSA_WEBHOOK_SHARED_SECRET', { OSA_WEBHOOK_SHARED_SECRET: `${SECRETS.webhookSecret},${short}` }],
    ['OSA_WEBHOOK_SHARED_SECRET', { OSA_WEBHOOK_SHARED_SECRET: 'your-32-character-hmac-secret-0123456789' }],
    ['OSA_WEBHOOK_SHARED_SECRET', { OSA_WEBHOOK_SHARED_SECRET: `whsec_${Buffer.alloc(16, 9).toString('base64')}` }],
    ['OSA_WEBHOOK_SHARED_SECRET', { OSA_WEBHOOK_SHARED_SECRET: 'whsec_not*base64!0123456789abcdefghijklmnop' }],
    ['API_KEYS', { API_KEYS: undefined }],
    ['API_KEYS', { API_KEYS: `ci:client:${short}` }],
    ['API_KEYS', { API_KEYS: 'ci:client:placeholder-key-0123456789abcdef012345' }],
    ['API_KEYS', { API_KEYS: `ci:client:${SECRETS.apiKeyCi},ci:admin:${SECRETS.apiKeyOps}` }],
    ['ADMIN_EMAIL', { ADMIN_EMAIL: undefined }],
    ['ADMIN_PASSWORD', { ADMIN_PASSWORD: undefined }],
    ['ADMIN_PASSWORD', { ADMIN_PASSWORD: 'Kq9Wm2Xr5Lp' }], // 11 characters
    ['ADMIN_PASSWORD', { ADMIN_PASSWORD: 'example-password-long-enough' }],
    ['OPAL_SIMULATOR_DELAY_MS', { OPAL_SIMULATOR_DELAY_MS: '1500' }],
    ['OPAL_SIMULATOR_FAILURE_RATE', { OPAL_SIMULATOR_FAILURE_RATE: '0' }],
    ['OPAL_SIMULATOR_SEED', { OPAL_SIMULATOR_SEED: '42' }],
    ['ALERT_WEBHOOK_URL', { ALERT_WEBHOOK_URL: 'http://hooks.acme.test/alert' }],
  ];

  it.each(rules)('refuses, naming %s, for %o', (variable, change) => {
    const error = refusal({ ...VALID_PRODUCTION_ENV, ...change });
    expect(error.failures.map((f) => f.variable)).toEqual([variable]);
    expect(error.message).toContain(variable);
    if (Object.keys(change).some((k) => k.startsWith('OPAL_SIMULATOR_'))) {
      expect(error.failures[0]!.message).toBe('simulator refused in production');
    }
  });

  it.each([
    ['OPAL_WEBHOOK_URL', 'http://127.0.0.1:8080/opal'],
    ['OPAL_WEBHOOK_URL', 'http://127.8.9.10/opal'],
    ['OPAL_WEBHOOK_URL', 'http://localhost:8080/opal'],
    ['OPAL_WEBHOOK_URL', 'http://[::1]:8080/opal'],
    ['ALERT_WEBHOOK_URL', 'http://127.0.0.1:9000/alert'],
    ['ALERT_WEBHOOK_URL', 'https://hooks.acme.test/alert'],
  ])('allows %s=%s', (variable, value) => {
    const { checks } = load({ ...VALID_PRODUCTION_ENV, [variable]: value });
    expect(check(checks, variable).ok).toBe(true);
  });

  it('checks placeholder words in secrets only, not in ids or URLs', () => {
    const { config } = load({
      ...VALID_PRODUCTION_ENV,
      OPAL_WORKSPACE_ID: 'example-workspace',
      BASE_URL: 'https://force-sync.example.com',
      OPAL_WEBHOOK_URL: 'https://your-relay.acme.test/placeholder',
      ADMIN_EMAIL: 'changeme@acme.test',
    });
    expect(config.opal.workspaceId).toBe('example-workspace');
  });

  it('accepts a whsec_ secret whose key is 24 bytes, and several secrets for rotation', () => {
    const whsec = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
    const { config, checks } = load({
      ...VALID_PRODUCTION_ENV,
      OSA_WEBHOOK_SHARED_SECRET: ` ${SECRETS.webhookSecret} , ${whsec} ,`,
    });
    expect(config.webhook.secrets).toEqual([SECRETS.webhookSecret, whsec]);
    expect(check(checks, 'OSA_WEBHOOK_SHARED_SECRET').message).toMatch(/2 secrets/);
  });
});

describe('development reports the production rules as warnings', () => {
  it('warns about a weak secret that is set, but starts', () => {
    const { config, checks } = load({ OPAL_STRATEGY_WORKFLOW_AUTH_KEY: 'short', OPAL_TOOL_TOKEN: 'changeme' });
    expect(config.opal.authKey).toBe('short');
    expect(check(checks, 'OPAL_STRATEGY_WORKFLOW_AUTH_KEY')).toMatchObject({ ok: false });
    expect(check(checks, 'OPAL_TOOL_TOKEN').message).toMatch(/placeholder/);
  });

  it('accepts the runbook development environment without warnings', () => {
    const { checks } = load({
      OPAL_WEBHOOK_URL: 'https://webhook.opal.optimizely.com/webhooks/d3e181a30acf493b/ba71d62d',
      OPAL_STRATEGY_WORKFLOW_AUTH_KEY: 'dev-auth-key-32-characters-minimum',
      OPAL_WORKSPACE_ID: 'default-workspace',
      OSA_WEBHOOK_SHARED_SECRET: 'dev-webhook-secret-32-characters-min',
      NODE_ENV: 'development',
      BASE_URL: 'http://localhost:3000',
      OPAL_DEBUG_MODE: 'true',
    });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('warns when only one of ADMIN_EMAIL / ADMIN_PASSWORD is set', () => {
    const { checks } = load({ ADMIN_EMAIL: 'ops@acme.test' });
    expect(check(checks, 'ADMIN_PASSWORD')).toMatchObject({ ok: false });
  });
});

describe('no secret value ever appears in a message', () => {
  const allSecrets = Object.values(SECRETS);
  const leaked = (text: string) => allSecrets.filter((s) => leaksSecret(text, s));
  const render = (checks: ConfigCheck[]) => checks.map((c) => `${c.variable} ${c.message}`).join('\n');

  it('in the checks of a valid production configuration', () => {
    expect(leaked(render(load(VALID_PRODUCTION_ENV).checks))).toEqual([]);
  });

  it('in the checks of a development configuration with every secret set', () => {
    const { checks } = load({ ...VALID_PRODUCTION_ENV, NODE_ENV: 'development' });
    expect(leaked(render(checks))).toEqual([]);
  });

  it('in generated-secret checks', () => {
    const { config, checks } = load({});
    const text = render(checks);
    expect(leaksSecret(text, config.opal.authKey)).toBe(false);
    expect(leaksSecret(text, config.webhook.secrets[0]!)).toBe(false);
  });

  it('in a ConfigError about weak, placeholder and malformed secrets', () => {
    const weakAuth = 'WEAKAUTHxy1z2W3';
    const weakWebhook = 'WEAKHOOKpq4r5S6';
    const bareKey = 'BAREAPIKEYmn7o8P9q0R1s2T3u4V5w6X7y8';
    const error = refusal({
      ...VALID_PRODUCTION_ENV,
      OPAL_STRATEGY_WORKFLOW_AUTH_KEY: weakAuth,
      OSA_WEBHOOK_SHARED_SECRET: `${SECRETS.webhookSecret},${weakWebhook}`,
      // A mis-typed entry whose text is a key, and one with an unknown role.
      API_KEYS: `${bareKey},ops:root:${SECRETS.apiKeyOps}`,
      ADMIN_PASSWORD: 'ADMshort9',
    });
    const text = `${error.message}\n${render(error.failures)}`;
    expect(error.failures.map((f) => f.variable).sort()).toEqual([
      'ADMIN_PASSWORD',
      'API_KEYS',
      'OPAL_STRATEGY_WORKFLOW_AUTH_KEY',
      'OSA_WEBHOOK_SHARED_SECRET',
    ]);
    expect(leaked(text)).toEqual([]);
    for (const secret of [weakAuth, weakWebhook, bareKey, 'ADMshort9']) expect(leaksSecret(text, secret)).toBe(false);
    expect(text).toContain('entry 1: expected name:role:key');
    expect(text).toContain('entry 2: unknown role');
  });

  it('in the database check, which shows host and database but not the password', () => {
    const { checks } = load({
      DATABASE_URL: `postgresql://svc:${SECRETS.databasePassword}@pg.acme.test/opal?password=${SECRETS.databasePassword}`,
    });
    const text = render(checks);
    expect(check(checks, 'database').message).toBe('PostgreSQL at pg.acme.test/opal');
    expect(leaksSecret(text, SECRETS.databasePassword)).toBe(false);
  });
});
