/**
 * The zod schema of the raw environment: one entry per variable of
 * DESIGN.md's configuration table, in the table's order (the checks and the
 * `npm run test:config` table follow it). This file only says whether a
 * value is well-formed; whether it is good enough for production is
 * config-checks.ts's job.
 *
 * Issue messages are written here, never zod's defaults, and none of them
 * quotes the input: several of these variables are secrets.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

export const API_KEY_ROLES = ['client', 'viewer', 'operator', 'admin'] as const;
export type ApiKeyRoleName = (typeof API_KEY_ROLES)[number];

const TRUE_WORDS = ['true', '1', 'yes'];
const FALSE_WORDS = ['false', '0', 'no'];

const bool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => TRUE_WORDS.includes(v) || FALSE_WORDS.includes(v), {
      message: 'must be true/false/1/0/yes/no',
    })
    .transform((v) => TRUE_WORDS.includes(v))
    .default(fallback);

// setTimeout silently fires at once past 2^31-1 ms, so durations stop there.
const MAX_TIMER_MS = 2_147_483_647;

const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
};

const httpUrl = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid http(s) URL' });
      return z.NEVER;
    }
    // Credentials in a URL end up in logs and in this very check table.
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
      return z.NEVER;
    }
    return raw;
  });

const databaseUrl = z
  .string()
  .trim()
  .refine(
    (raw) => URL.canParse(raw) && ['postgres:', 'postgresql:'].includes(new URL(raw).protocol),
    { message: 'is not a postgres:// or postgresql:// URL' },
  );

/** Comma list for rotation: entries trimmed, empty entries (a trailing comma) ignored. */
const webhookSecrets = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .refine((list) => list.length > 0, { message: 'lists no secret' });

export interface ApiKeyEntry {
  name: string;
  role: ApiKeyRoleName;
  key: string;
}

/**
 * `name:role:key`, comma-separated. Only the first two colons split, so a
 * key may contain colons. A malformed entry is named by its position, not
 * its text: a mis-typed entry may well be a bare key.
 */
const apiKeys = z.string().transform((raw, ctx) => {
  const entries: ApiKeyEntry[] = [];
  let malformed = false;
  const fail = (message: string) => {
    malformed = true;
    ctx.addIssue({ code: 'custom', message });
  };
  raw
    .split(',')
    .map((s) => s.trim())
    .forEach((entry, index) => {
      if (entry === '') return;
      const position = `entry ${index + 1}`;
      const first = entry.indexOf(':');
      const second = first < 0 ? -1 : entry.indexOf(':', first + 1);
      const name = entry.slice(0, first).trim();
      const role = entry.slice(first + 1, second).trim();
      const key = entry.slice(second + 1).trim();
      if (first < 0 || second < 0 || name === '' || role === '' || key === '') {
        fail(`${position}: expected name:role:key`);
      } else if (!(API_KEY_ROLES as readonly string[]).includes(role)) {
        fail(`${position}: unknown role (expected ${API_KEY_ROLES.join(', ')})`);
      } else {
        entries.push({ name, role: role as ApiKeyRoleName, key });
      }
    });
  if (entries.length === 0 && !malformed) fail('lists no key');
  return entries;
});

const corsOrigins = z.string().transform((raw, ctx) => {
  const origins: string[] = [];
  for (const entry of raw.split(',').map((s) => s.trim())) {
    if (entry === '') continue;
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not an http(s) origin` });
      continue;
    }
    origins.push(url.origin);
  }
  return origins;
});

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** What Express's `trust proxy` (proxy-addr) accepts: names, addresses, CIDRs or address/netmask. */
function isTrustProxyToken(token: string): boolean {
  if (TRUST_PROXY_NAMES.includes(token)) return true;
  const [address = '', prefix, ...rest] = token.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (/^\d+$/.test(prefix)) return Number(prefix) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(prefix) === 4;
}

const trustProxy = z
  .string()
  .trim()
  .transform((raw, ctx): boolean | number | string => {
    const lower = raw.toLowerCase();
    if (lower === 'true' || lower === 'yes') return true;
    if (lower === 'false' || lower === 'no') return false;
    if (/^\d+$/.test(lower)) return Number(lower) === 0 ? false : Number(lower);
    const tokens = lower.split(',').map((s) => s.trim());
    if (tokens.every(isTrustProxyToken)) return tokens.join(', ');
    ctx.addIssue({
      code: 'custom',
      message:
        'must be true/false, a hop count, or addresses/CIDRs/loopback/linklocal/uniquelocal',
    });
    return z.NEVER;
  })
  .default(false);

const hostName = z
  .string()
  .trim()
  .refine((h) => isIP(h) !== 0 || /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(h), {
    message: 'is not a host name or IP address',
  });

const text = z.string().trim();

export const envSchema = z.object({
  NODE_ENV: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z.enum(['development', 'production', 'test'], {
        message: 'must be development, production or test',
      }),
    )
    .default('development'),
  PORT: wholeNumber(0, 65535).default(3000),
  // Default depends on NODE_ENV, so it is applied in config.ts.
  HOST: hostName.optional(),
  BASE_URL: httpUrl.optional(),
  DATA_DIR: text.default('./.data'),
  DATABASE_URL: databaseUrl.optional(),
  DATABASE_PREPARE: bool(true),
  OPAL_WEBHOOK_URL: httpUrl.optional(),
  OPAL_STRATEGY_WORKFLOW_AUTH_KEY: text.optional(),
  OPAL_WORKSPACE_ID: text.default('default-workspace'),
  OPAL_TIMEOUT_MS: wholeNumber(1, MAX_TIMER_MS).default(10_000),
  OPAL_TOOL_TOKEN: text.optional(),
  OPAL_WORKFLOW_TIMEOUT_MIN: wholeNumber(1, 525_600).default(30),
  OPAL_SIMULATOR_DELAY_MS: wholeNumber(0, MAX_TIMER_MS).default(1500),
  OPAL_SIMULATOR_FAILURE_RATE: z
    .string()
    .trim()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, 'must be a number from 0 to 1')
    .transform(Number)
    .pipe(z.number().min(0, 'must be a number from 0 to 1').max(1, 'must be a number from 0 to 1'))
    .default(0.1),
  OPAL_SIMULATOR_SEED: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional(),
  OSA_WEBHOOK_SHARED_SECRET: webhookSecrets.optional(),
  WEBHOOK_MAX_BYTES: wholeNumber(1, 1024 * 1024 * 1024).default(1_048_576),
  WEBHOOK_RATE_LIMIT_PER_MIN: wholeNumber(1, 100_000_000).default(60_000),
  API_KEYS: apiKeys.optional(),
  ADMIN_EMAIL: text.pipe(z.email({ message: 'is not an email address' })).optional(),
  // Not trimmed: spaces may be part of a password.
  ADMIN_PASSWORD: z.string().optional(),
  ALERT_WEBHOOK_URL: httpUrl.optional(),
  RETENTION_DAYS: wholeNumber(1, 36_500).default(30),
  CORS_ORIGINS: corsOrigins.default([]),
  TRUST_PROXY: trustProxy,
  // Readiness answers 503 this long after SIGTERM before the listener closes; main.ts's forced exit waits drain + 20 s.
  SHUTDOWN_DRAIN_MS: wholeNumber(0, 600_000).default(5000),
  // A pause between a bulk replay job's batches (one workflow each), to spare the database during a long replay.
  REPLAY_BATCH_PAUSE_MS: wholeNumber(0, 60_000).default(0),
  OPAL_DEBUG_MODE: bool(false),
});

export type EnvValues = z.output<typeof envSchema>;
export type EnvVariable = keyof typeof envSchema.shape;
export const ENV_VARIABLES = Object.keys(envSchema.shape) as EnvVariable[];

export interface ParsedEnv {
  /** Well-formed values; a malformed variable is given its default here. */
  values: EnvValues;
  /** Variable → why it is malformed. */
  malformed: Map<EnvVariable, string>;
  /** Variables set to something other than blank. */
  present: Set<EnvVariable>;
}

export function parseEnv(env: Record<string, string | undefined>): ParsedEnv {
  // A blank value (`PORT=` in an env file) means unset, as in most tools.
  const input: Partial<Record<EnvVariable, string>> = {};
  for (const name of ENV_VARIABLES) {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') input[name] = raw;
  }
  const present = new Set(Object.keys(input) as EnvVariable[]);
  const first = envSchema.safeParse(input);
  if (first.success) return { values: first.data, malformed: new Map(), present };

  const malformed = new Map<EnvVariable, string>();
  for (const issue of first.error.issues) {
    const name = issue.path[0] as EnvVariable;
    const earlier = malformed.get(name);
    malformed.set(name, earlier === undefined ? issue.message : `${earlier}; ${issue.message}`);
  }
  // Parse again without the bad variables so the remaining checks still run.
  for (const name of malformed.keys()) delete input[name];
  return { values: envSchema.parse(input), malformed, present };
}
