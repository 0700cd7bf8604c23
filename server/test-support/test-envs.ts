import { devNull } from 'node:os';

/**
 * For every server or CLI a test starts as a child process: no env file
 * (server/config/load-env-file.ts), whatever `.env` the developer keeps in
 * the checkout.
 */
export const NO_ENV_FILE: Record<string, string> = { ENV_FILE: devNull };

/**
 * Environments shared by the configuration tests (server/config). The
 * secret values are distinctive (each starts with a marker word) so a test
 * can search output for them; none contains a placeholder word.
 */
export const SECRETS = {
  authKey: 'AUTHKEYzq8v1Lr4Tn6Wp2Xy9Bc3Dk5Fh7Jm0Ns',
  toolToken: 'TOOLTOKENhq2w3e4r5t6y7u8i9o0pAsDfGhJkL',
  webhookSecret: 'WHSECRETmn1Bv2Cx3Zl4Kj5Hg6Fd7Sa8Qw9Er0Ty',
  apiKeyCi: 'APIKEYCIvB3nM4qW5eR6tY7uI8oP9aS0dF1gH2',
  apiKeyOps: 'APIKEYOPSzX1cV2bN3mQ4wE5rT6yU7iO8pA9sD',
  adminPassword: 'ADMINPASSkL4jH5gF6',
  databasePassword: 'DBPASSwq7Er8Ty9Ui0',
} as const;

export const VALID_PRODUCTION_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  BASE_URL: 'https://force-sync.acme.test',
  DATABASE_URL: `postgres://app:${SECRETS.databasePassword}@db.internal:5432/forcesync`,
  OPAL_WEBHOOK_URL: 'https://webhook.opal.optimizely.com/webhooks/d3e181a30acf493b/ba71d62d',
  OPAL_STRATEGY_WORKFLOW_AUTH_KEY: SECRETS.authKey,
  OPAL_WORKSPACE_ID: 'ws-prod-1',
  OPAL_TOOL_TOKEN: SECRETS.toolToken,
  OSA_WEBHOOK_SHARED_SECRET: SECRETS.webhookSecret,
  API_KEYS: `ci:client:${SECRETS.apiKeyCi},ops:operator:${SECRETS.apiKeyOps}`,
  ADMIN_EMAIL: 'ops@acme.test',
  ADMIN_PASSWORD: SECRETS.adminPassword,
};

/** True when `text` contains the secret, or any 12-character piece of it. */
export function leaksSecret(text: string, secret: string): boolean {
  for (let i = 0; i + 12 <= secret.length; i++) {
    if (text.includes(secret.slice(i, i + 12))) return true;
  }
  return text.includes(secret);
}
