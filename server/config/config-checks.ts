/**
 * One check per variable of the configuration table, plus the database.
 * The rules are the production column of DESIGN.md; in development a value
 * that is unset gets its development behaviour (and passes), while a value
 * that is set is held to the production rule so that its warning shows up
 * before it reaches production.
 *
 * Messages never contain a secret value: they say what is wrong, and for
 * webhook URLs they show the origin only.
 */
import type { DevSecretName } from './dev-secrets';
import type { EnvValues, EnvVariable } from './env-schema';
import { ENV_VARIABLES } from './env-schema';
import { isHttpsOrLoopback, urlOrigin } from './loopback-host';
import { secretProblems, webhookSecretProblems } from './secret-rules';

/** `variable` is an environment variable name, or `database`. `message` never contains a secret value. */
export interface ConfigCheck {
  variable: string;
  ok: boolean;
  message: string;
}

export interface CheckInput {
  values: EnvValues;
  present: ReadonlySet<EnvVariable>;
  /** Variables refused whatever the environment (malformed, unusable), with the reason. */
  refused: ReadonlyMap<EnvVariable, string>;
  production: boolean;
  host: string;
  baseUrl: string;
  dataDir: string;
  /** Secrets generated because they were unset (development only). */
  generated: ReadonlySet<DevSecretName>;
  /** Where generated secrets are kept; undefined when they live in memory only. */
  devSecretsFile: string | undefined;
}

interface Verdict {
  ok: boolean;
  message: string;
}

const pass = (message: string): Verdict => ({ ok: true, message });
const fail = (message: string): Verdict => ({ ok: false, message });

function required(c: CheckInput, name: EnvVariable, what: string, devBehaviour: string): Verdict | undefined {
  if (c.present.has(name)) return undefined;
  return c.production ? fail(`required in production (${what})`) : pass(devBehaviour);
}

function generatedVerdict(c: CheckInput): Verdict {
  return pass(
    c.devSecretsFile === undefined
      ? 'generated for development (in memory only, not kept)'
      : `generated for development (kept in DATA_DIR: ${c.devSecretsFile})`,
  );
}

function secretVerdict(value: string, minChars: number, okMessage: string): Verdict {
  const problems = secretProblems(value, minChars);
  return problems.length === 0 ? pass(okMessage) : fail(problems.join('; '));
}

function outboundUrl(url: string, label: string): Verdict {
  return isHttpsOrLoopback(url)
    ? pass(`${label} ${urlOrigin(url)} (path not shown)`)
    : fail('must be https (http is allowed only to a loopback host)');
}

function simulatorVerdict(c: CheckInput, name: EnvVariable, describe: string): Verdict {
  if (c.production) {
    return c.present.has(name) ? fail('simulator refused in production') : pass('not used in production');
  }
  if (c.values.OPAL_WEBHOOK_URL !== undefined) return pass(`${describe} (unused: OPAL_WEBHOOK_URL is set)`);
  return pass(describe);
}

const rules: Record<EnvVariable, (c: CheckInput) => Verdict> = {
  NODE_ENV: (c) =>
    pass(
      c.production
        ? 'production: every failed check refuses start-up'
        : `${c.values.NODE_ENV}: failed checks are warnings; production would refuse them`,
    ),
  PORT: (c) => pass(`${c.values.PORT}${c.present.has('PORT') ? '' : ' (default)'}`),
  HOST: (c) => pass(`${c.host}${c.present.has('HOST') ? '' : ' (default)'}`),
  BASE_URL: (c) => {
    const unset = required(c, 'BASE_URL', 'the public https URL', `${c.baseUrl} (default, follows PORT)`);
    if (unset) return unset;
    if (c.baseUrl.startsWith('https://')) return pass(c.baseUrl);
    if (c.production) return fail('must be https in production');
    return isHttpsOrLoopback(c.baseUrl)
      ? pass(`${c.baseUrl} (http: fine for development, production requires https)`)
      : fail('http to a non-loopback host; production requires https');
  },
  DATA_DIR: (c) =>
    pass(
      c.values.DATABASE_URL === undefined
        ? `${c.dataDir} (PGlite data${c.production ? '' : ', generated development secrets'})`
        : `${c.dataDir} (unused for data: DATABASE_URL is set)`,
    ),
  DATABASE_URL: (c) =>
    c.values.DATABASE_URL === undefined
      ? pass(`unset: embedded PGlite${c.production ? '; PostgreSQL is recommended in production' : ''}`)
      : pass('set: PostgreSQL (credentials not shown)'),
  DATABASE_PREPARE: (c) =>
    pass(
      c.values.DATABASE_PREPARE
        ? 'true: prepared statements on'
        : 'false: prepared statements off (transaction-mode poolers)',
    ),
  OPAL_WEBHOOK_URL: (c) => {
    const url = c.values.OPAL_WEBHOOK_URL;
    if (url === undefined) {
      return c.production
        ? fail('required in production (unset would mean the simulator)')
        : pass('unset: built-in Opal simulator');
    }
    return outboundUrl(url, 'Opal at');
  },
  OPAL_STRATEGY_WORKFLOW_AUTH_KEY: (c) => {
    if (c.generated.has('OPAL_STRATEGY_WORKFLOW_AUTH_KEY')) return generatedVerdict(c);
    const key = c.values.OPAL_STRATEGY_WORKFLOW_AUTH_KEY;
    if (key === undefined) return fail('required in production');
    return secretVerdict(key, 32, 'set, 32+ characters, no placeholder words');
  },
  OPAL_WORKSPACE_ID: (c) =>
    required(c, 'OPAL_WORKSPACE_ID', 'the Opal workspace id', `${c.values.OPAL_WORKSPACE_ID} (default)`) ??
    pass(c.values.OPAL_WORKSPACE_ID),
  OPAL_TIMEOUT_MS: (c) => pass(`${c.values.OPAL_TIMEOUT_MS} ms per call to Opal`),
  OPAL_TOOL_TOKEN: (c) => {
    const token = c.values.OPAL_TOOL_TOKEN;
    if (token === undefined) {
      return c.production
        ? fail('required in production (bearer token of the Opal tool endpoint)')
        : pass('unset: Opal tool endpoint open (development)');
    }
    return secretVerdict(token, 32, 'set, 32+ characters, no placeholder words');
  },
  OPAL_WORKFLOW_TIMEOUT_MIN: (c) =>
    pass(`${c.values.OPAL_WORKFLOW_TIMEOUT_MIN} min without an event → timed_out`),
  OPAL_SIMULATOR_DELAY_MS: (c) =>
    simulatorVerdict(c, 'OPAL_SIMULATOR_DELAY_MS', `${c.values.OPAL_SIMULATOR_DELAY_MS} ms between callbacks`),
  OPAL_SIMULATOR_FAILURE_RATE: (c) =>
    simulatorVerdict(c, 'OPAL_SIMULATOR_FAILURE_RATE', `${c.values.OPAL_SIMULATOR_FAILURE_RATE} of agents fail`),
  OPAL_SIMULATOR_SEED: (c) =>
    simulatorVerdict(
      c,
      'OPAL_SIMULATOR_SEED',
      c.values.OPAL_SIMULATOR_SEED === undefined ? 'unset: random' : `${c.values.OPAL_SIMULATOR_SEED}`,
    ),
  OSA_WEBHOOK_SHARED_SECRET: (c) => {
    if (c.generated.has('OSA_WEBHOOK_SHARED_SECRET')) return generatedVerdict(c);
    const secrets = c.values.OSA_WEBHOOK_SHARED_SECRET;
    if (secrets === undefined) return fail('required in production');
    const problems = secrets.flatMap((secret, i) =>
      webhookSecretProblems(secret).map((p) => `secret ${i + 1} of ${secrets.length}: ${p}`),
    );
    if (problems.length > 0) return fail(problems.join('; '));
    return pass(
      secrets.length === 1
        ? '1 secret, strong enough, no placeholder words'
        : `${secrets.length} secrets (rotation), all strong enough, no placeholder words`,
    );
  },
  WEBHOOK_MAX_BYTES: (c) => pass(`${c.values.WEBHOOK_MAX_BYTES} bytes per callback body`),
  WEBHOOK_RATE_LIMIT_PER_MIN: (c) => pass(`${c.values.WEBHOOK_RATE_LIMIT_PER_MIN} per minute per source address`),
  API_KEYS: (c) => {
    const keys = c.values.API_KEYS;
    if (keys === undefined) {
      return c.production
        ? fail('required in production (comma list of name:role:key)')
        : pass('unset: API open (development)');
    }
    const problems: string[] = [];
    const names = new Set<string>();
    const seenKeys = new Set<string>();
    for (const { name, key } of keys) {
      for (const p of secretProblems(key, 32)) problems.push(`key "${name}": ${p}`);
      if (names.has(name)) problems.push(`name "${name}" used twice`);
      // Two names on one key would make the audit log name the wrong holder.
      if (seenKeys.has(key)) problems.push(`key "${name}" repeats an earlier key`);
      names.add(name);
      seenKeys.add(key);
    }
    if (problems.length > 0) return fail(problems.join('; '));
    return pass(`${keys.length} key(s): ${keys.map((k) => `${k.name} (${k.role})`).join(', ')}`);
  },
  ADMIN_EMAIL: (c) => {
    const email = c.values.ADMIN_EMAIL;
    if (email !== undefined) return pass(email);
    if (c.production) return fail('required in production (console administrator)');
    return c.values.ADMIN_PASSWORD === undefined
      ? pass('unset: console open, with a banner (development)')
      : fail('ADMIN_PASSWORD is set without ADMIN_EMAIL');
  },
  ADMIN_PASSWORD: (c) => {
    const password = c.values.ADMIN_PASSWORD;
    if (password !== undefined) return secretVerdict(password, 12, 'set, 12+ characters, no placeholder words');
    if (c.production) return fail('required in production (console administrator)');
    return c.values.ADMIN_EMAIL === undefined
      ? pass('unset: console open, with a banner (development)')
      : fail('ADMIN_EMAIL is set without ADMIN_PASSWORD');
  },
  ALERT_WEBHOOK_URL: (c) => {
    const url = c.values.ALERT_WEBHOOK_URL;
    return url === undefined ? pass('unset: alerts shown in the console and logs only') : outboundUrl(url, 'alerts to');
  },
  RETENTION_DAYS: (c) => pass(`${c.values.RETENTION_DAYS} days`),
  CORS_ORIGINS: (c) =>
    pass(c.values.CORS_ORIGINS.length === 0 ? 'none: same origin only' : c.values.CORS_ORIGINS.join(', ')),
  TRUST_PROXY: (c) => {
    const v = c.values.TRUST_PROXY;
    if (v === false) return pass('off: the socket address is the client address');
    if (v === true) return pass('true: every proxy trusted, X-Forwarded-For taken as given');
    if (typeof v === 'number') return pass(`${v} proxy hop(s) trusted`);
    return pass(`trusted proxies: ${v}`);
  },
  SHUTDOWN_DRAIN_MS: (c) =>
    pass(
      c.values.SHUTDOWN_DRAIN_MS === 0
        ? '0: on SIGTERM the listener closes at once'
        : `${c.values.SHUTDOWN_DRAIN_MS} ms of serving with readiness 503 after SIGTERM, then the listener closes`,
    ),
  REPLAY_BATCH_PAUSE_MS: (c) =>
    pass(c.values.REPLAY_BATCH_PAUSE_MS === 0 ? '0: bulk replay batches run back to back' : `${c.values.REPLAY_BATCH_PAUSE_MS} ms between bulk replay batches`),
  OPAL_DEBUG_MODE: (c) =>
    pass(c.values.OPAL_DEBUG_MODE ? 'on: verbose debug logging' : 'off'),
};

/** Host, port and database name only: the URL's password and query never appear. */
function describeDatabase(c: CheckInput): string {
  const raw = c.values.DATABASE_URL;
  if (raw === undefined) return `PGlite in ${c.dataDir}`;
  const url = new URL(raw);
  const path = url.pathname.replace(/^\//, '');
  let database = path;
  try {
    database = decodeURIComponent(path);
  } catch {
    // a stray % in the name: show it as written
  }
  return `PostgreSQL at ${url.host || '(socket)'}${database ? `/${database}` : ''}`;
}

export function runChecks(c: CheckInput): ConfigCheck[] {
  const checks = ENV_VARIABLES.map((variable): ConfigCheck => {
    const refused = c.refused.get(variable);
    if (refused !== undefined) return { variable, ok: false, message: refused };
    return { variable, ...rules[variable](c) };
  });
  checks.push({ variable: 'database', ok: true, message: describeDatabase(c) });
  return checks;
}
