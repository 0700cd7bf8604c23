/**
 * The configuration, parsed once at start-up from the environment and then
 * passed in: no other module reads `process.env`.
 *
 * Malformed values refuse start-up everywhere (a typo in PORT is never what
 * anyone meant). The production rules refuse start-up in production only;
 * elsewhere the same checks are returned as warnings.
 */
import { resolve } from 'node:path';
import { type ConfigCheck, runChecks } from './config-checks';
import type { DevSecretName } from './dev-secrets';
import { DEV_SECRETS_FILE, DevSecretsError, provideDevSecrets } from './dev-secrets';
import type { EnvVariable } from './env-schema';
import { parseEnv } from './env-schema';

export type NodeEnv = 'development' | 'production' | 'test';
export type ApiKeyRole = 'client' | 'viewer' | 'operator' | 'admin';

export interface Config {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  port: number;
  host: string;
  /** No trailing slash. */
  baseUrl: string;
  /** Absolute. */
  dataDir: string;
  databaseUrl: string | undefined;
  databasePrepare: boolean;
  opal: {
    /** undefined → the built-in simulator. */
    webhookUrl: string | undefined;
    authKey: string;
    workspaceId: string;
    timeoutMs: number;
    /** undefined → the tool endpoint is open (development only). */
    toolToken: string | undefined;
    workflowTimeoutMin: number;
    /** How long the circuit stays open before a probe call (not an environment variable: tests shorten it). */
    circuitResetMs: number;
    simulator: { delayMs: number; failureRate: number; seed: number | undefined };
  };
  webhook: { secrets: string[]; maxBytes: number; rateLimitPerMin: number };
  /** Empty → the API is open (development only). */
  apiKeys: { name: string; role: ApiKeyRole; key: string }[];
  admin: { email: string | undefined; password: string | undefined };
  alertWebhookUrl: string | undefined;
  retentionDays: number;
  corsOrigins: string[];
  /** Passed to Express's `trust proxy` as is. */
  trustProxy: boolean | number | string;
  /** After SIGTERM: how long readiness says 503 while everything is still served, before the listener closes. */
  shutdownDrainMs: number;
  /** REPLAY_BATCH_PAUSE_MS: between a bulk replay job's batches. */
  replayBatchPauseMs: number;
  debug: boolean;
}

// Defined beside the checks, which config.ts runs (the other way round would be an import cycle); its users import it from here.
export type { ConfigCheck } from './config-checks';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly failures: ConfigCheck[];

  constructor(failures: ConfigCheck[]) {
    super(
      `Invalid configuration: ${failures.map((f) => f.variable).join(', ')}\n` +
        failures.map((f) => `  ${f.variable}: ${f.message}`).join('\n'),
    );
    this.failures = failures;
  }
}

export interface LoadConfigOptions {
  /** What a relative DATA_DIR is resolved against; default process.cwd(). */
  cwd?: string;
  /** Keep generated development secrets in DATA_DIR (default true); false → in memory only. */
  persistDevSecrets?: boolean;
}

const DEV_SECRET_NAMES: readonly DevSecretName[] = ['OPAL_STRATEGY_WORKFLOW_AUTH_KEY', 'OSA_WEBHOOK_SHARED_SECRET'];

export function loadConfig(
  env: Record<string, string | undefined>,
  opts: LoadConfigOptions = {},
): { config: Config; checks: ConfigCheck[] } {
  const { values, malformed, present } = parseEnv(env);
  const production = values.NODE_ENV === 'production';
  // Behind a load balancer the process must listen on every interface.
  const host = values.HOST ?? (production ? '0.0.0.0' : '127.0.0.1');
  const baseUrl = (values.BASE_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, '');
  const dataDir = resolve(opts.cwd ?? process.cwd(), values.DATA_DIR);

  // Refused even outside production.
  const refused = new Map<EnvVariable, string>([...malformed].map(([name, why]) => [name, `malformed: ${why}`]));

  const toGenerate = production ? [] : DEV_SECRET_NAMES.filter((n) => values[n] === undefined);
  // Nothing is written to disk for a configuration that is about to be refused.
  const persist = (opts.persistDevSecrets ?? true) && malformed.size === 0;
  let devSecrets: Partial<Record<DevSecretName, string>>;
  let devSecretsFile = persist ? resolve(dataDir, DEV_SECRETS_FILE) : undefined;
  try {
    devSecrets = provideDevSecrets(toGenerate, { dataDir, persist });
  } catch (error) {
    if (!(error instanceof DevSecretsError)) throw error;
    refused.set('DATA_DIR', error.message);
    devSecrets = provideDevSecrets(toGenerate, { dataDir, persist: false });
    devSecretsFile = undefined;
  }

  const checks = runChecks({
    values,
    present,
    refused,
    production,
    host,
    baseUrl,
    dataDir,
    generated: new Set(toGenerate),
    devSecretsFile,
  });
  const failures = checks.filter((c) => !c.ok && (production || refused.has(c.variable as EnvVariable)));
  if (failures.length > 0) throw new ConfigError(failures);

  const config: Config = {
    nodeEnv: values.NODE_ENV,
    isProduction: production,
    port: values.PORT,
    host,
    baseUrl,
    dataDir,
    databaseUrl: values.DATABASE_URL,
    databasePrepare: values.DATABASE_PREPARE,
    opal: {
      webhookUrl: values.OPAL_WEBHOOK_URL,
      // Only undefined in production, where the check above has already refused it.
      authKey: values.OPAL_STRATEGY_WORKFLOW_AUTH_KEY ?? devSecrets.OPAL_STRATEGY_WORKFLOW_AUTH_KEY ?? '',
      workspaceId: values.OPAL_WORKSPACE_ID,
      timeoutMs: values.OPAL_TIMEOUT_MS,
      toolToken: values.OPAL_TOOL_TOKEN,
      workflowTimeoutMin: values.OPAL_WORKFLOW_TIMEOUT_MIN,
      circuitResetMs: 30_000,
      simulator: {
        delayMs: values.OPAL_SIMULATOR_DELAY_MS,
        failureRate: values.OPAL_SIMULATOR_FAILURE_RATE,
        seed: values.OPAL_SIMULATOR_SEED,
      },
    },
    webhook: {
      secrets:
        values.OSA_WEBHOOK_SHARED_SECRET ??
        (devSecrets.OSA_WEBHOOK_SHARED_SECRET === undefined ? [] : [devSecrets.OSA_WEBHOOK_SHARED_SECRET]),
      maxBytes: values.WEBHOOK_MAX_BYTES,
      rateLimitPerMin: values.WEBHOOK_RATE_LIMIT_PER_MIN,
    },
    apiKeys: values.API_KEYS ?? [],
    admin: { email: values.ADMIN_EMAIL, password: values.ADMIN_PASSWORD },
    alertWebhookUrl: values.ALERT_WEBHOOK_URL,
    retentionDays: values.RETENTION_DAYS,
    corsOrigins: values.CORS_ORIGINS,
    trustProxy: values.TRUST_PROXY,
    shutdownDrainMs: values.SHUTDOWN_DRAIN_MS,
    replayBatchPauseMs: values.REPLAY_BATCH_PAUSE_MS,
    debug: values.OPAL_DEBUG_MODE,
  };
  return { config, checks };
}
