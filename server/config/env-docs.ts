/**
 * What each variable of env-schema.ts is for, in words: the text of
 * `.env.example` (scripts/env-example.ts writes it from this table and the
 * schema). Development defaults that the schema holds are taken from the
 * schema, and whether a variable is required in production from the checks
 * themselves (config-checks.ts), so neither is repeated here.
 *
 * A Record over every variable: a variable added to the schema without a
 * line here does not compile.
 */
import type { EnvVariable } from './env-schema';

export interface EnvDoc {
  /** What it is for. */
  about: string;
  /** The development behaviour, where the schema's default alone does not say it. */
  development?: string;
  /** The production rule. */
  production: string;
}

const AS_IN_DEVELOPMENT = 'as in development';
const SIMULATOR_ONLY = 'must stay unset (the simulator is refused in production)';
const OUTBOUND_URL = 'https (http only to a loopback host); the path is never logged';

export const ENV_DOCS: Record<EnvVariable, EnvDoc> = {
  NODE_ENV: {
    about: 'development, production or test',
    development: 'development (a failed check is only a warning)',
    production: 'production (any failed check refuses start-up, naming the variable)',
  },
  PORT: {
    about: 'the port the HTTP server listens on (0: any free port)',
    production: "as in development (the image sets 3000, the port compose.yaml publishes)",
  },
  HOST: {
    about: 'the address the HTTP server listens on',
    development: '127.0.0.1',
    production: '0.0.0.0 by default: every interface, behind the load balancer',
  },
  BASE_URL: {
    about: "the public URL: Opal's callback address, polling links, redirects to https",
    development: 'http://localhost:<PORT> (follows PORT)',
    production: 'https',
  },
  DATA_DIR: {
    about: 'folder of the embedded PGlite database and of the generated development secrets',
    production: 'unused with DATABASE_URL (the container image sets /data)',
  },
  DATABASE_URL: {
    about: 'PostgreSQL, as postgres://user:password@host:5432/database',
    development: 'unset: embedded PGlite in DATA_DIR',
    production: 'recommended (a PGlite folder is held by one process); compose.yaml sets it to its own PostgreSQL',
  },
  DATABASE_PREPARE: {
    about: 'prepared statements on PostgreSQL',
    production: 'false behind a transaction-mode pooler (PgBouncer, Supavisor)',
  },
  OPAL_WEBHOOK_URL: {
    about: "Opal's strategy_workflow webhook, where force syncs are sent",
    development: 'unset: the built-in Opal simulator',
    production: OUTBOUND_URL,
  },
  OPAL_STRATEGY_WORKFLOW_AUTH_KEY: {
    about: 'the key sent to Opal with each force sync',
    development: 'generated once, kept in DATA_DIR/dev-secrets.json',
    production: '32+ characters, no placeholder words (e.g. openssl rand -hex 32)',
  },
  OPAL_WORKSPACE_ID: { about: 'the Opal workspace', production: "your workspace's id" },
  OPAL_TIMEOUT_MS: { about: 'time limit of one call to Opal, in ms', production: AS_IN_DEVELOPMENT },
  OPAL_TOOL_TOKEN: {
    about: "the bearer token Opal's custom-tool calls must send",
    development: 'unset: the tool endpoint is open',
    production: '32+ characters, no placeholder words',
  },
  OPAL_WORKFLOW_TIMEOUT_MIN: {
    about: 'minutes without an event after which a workflow becomes timed_out',
    production: AS_IN_DEVELOPMENT,
  },
  OPAL_SIMULATOR_DELAY_MS: { about: 'the simulator: ms between its callbacks', production: SIMULATOR_ONLY },
  OPAL_SIMULATOR_FAILURE_RATE: { about: 'the simulator: share of agents that fail, 0 to 1', production: SIMULATOR_ONLY },
  OPAL_SIMULATOR_SEED: {
    about: 'the simulator: seed of its random choices',
    development: 'unset: random',
    production: SIMULATOR_ONLY,
  },
  OSA_WEBHOOK_SHARED_SECRET: {
    about: "the secret Opal's callbacks are signed with; a comma list while rotating",
    development: 'generated once (whsec_…), kept in DATA_DIR/dev-secrets.json',
    production: '32+ characters, or a whsec_ base64 key of 24+ bytes; no placeholder words',
  },
  WEBHOOK_MAX_BYTES: { about: 'the largest callback body, in bytes', production: AS_IN_DEVELOPMENT },
  WEBHOOK_RATE_LIMIT_PER_MIN: { about: 'callbacks a minute from one source address', production: AS_IN_DEVELOPMENT },
  API_KEYS: {
    about: 'name:role:key,… for client apps and tools; roles client, viewer, operator, admin',
    development: 'unset: the API is open',
    production: 'each key 32+ characters, no placeholder words; names and keys unique',
  },
  ADMIN_EMAIL: {
    about: "the console administrator's sign-in",
    development: 'unset (with ADMIN_PASSWORD): the console is open, with a banner',
    production: 'an email address',
  },
  ADMIN_PASSWORD: {
    about: "the console administrator's password",
    development: 'unset (with ADMIN_EMAIL): the console is open, with a banner',
    production: '12+ characters, no placeholder words',
  },
  ALERT_WEBHOOK_URL: {
    about: 'where firing and resolved alerts are posted (Slack-compatible JSON)',
    development: 'unset: alerts in the console and the logs only',
    production: `optional; ${OUTBOUND_URL}`,
  },
  RETENTION_DAYS: { about: 'days of events the daily cleanup keeps', production: AS_IN_DEVELOPMENT },
  CORS_ORIGINS: {
    about: 'comma list of browser origins allowed to call the API with credentials',
    development: 'none: same origin only',
    production: 'optional',
  },
  TRUST_PROXY: {
    about: 'proxies whose X-Forwarded-* headers count: true, a hop count, addresses, CIDRs, loopback, linklocal, uniquelocal',
    development: 'off: the socket address is the client',
    production: 'the TLS-terminating proxy (production refuses requests that did not arrive over https)',
  },
  SHUTDOWN_DRAIN_MS: {
    about: 'after SIGTERM: ms of serving with /api/health/ready at 503 before the listener closes',
    production: "longer than the load balancer takes to see readiness fail (the orchestrator's stop grace period must cover it)",
  },
  REPLAY_BATCH_PAUSE_MS: {
    about: "ms a bulk replay job waits between its batches (one workflow each), to spare the database during a long replay",
    production: AS_IN_DEVELOPMENT,
  },
  OPAL_DEBUG_MODE: { about: 'verbose debug logging', production: 'false' },
};
