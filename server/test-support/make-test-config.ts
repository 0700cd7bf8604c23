/**
 * A valid non-production Config for other modules' tests, built through
 * loadConfig so it always has the real defaults. Values are fixed and
 * obviously fake; nothing is written to disk (dataDir is a fresh, uncreated
 * tmp path, for tests that want one).
 */
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/config';
import { loadConfig } from '../config/config';

/** Arrays are replaced, not merged; an explicit `undefined` unsets an optional field. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** `whsec_` + base64 of the bytes 0..31: a valid Standard Webhooks key and a 50-char OSA secret. */
export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64')}`;
export const TEST_OPAL_AUTH_KEY = 'test-opal-auth-key-0000000000000000';

export function makeTestConfig(overrides: DeepPartial<Config> = {}): Config {
  const { config } = loadConfig(
    {
      NODE_ENV: 'test',
      DATA_DIR: join(tmpdir(), `opal-force-sync-test-${randomUUID()}`),
      OPAL_STRATEGY_WORKFLOW_AUTH_KEY: TEST_OPAL_AUTH_KEY,
      OSA_WEBHOOK_SHARED_SECRET: TEST_WEBHOOK_SECRET,
      // Tests want the simulator fast and predictable.
      OPAL_SIMULATOR_DELAY_MS: '0',
      OPAL_SIMULATOR_FAILURE_RATE: '0',
      OPAL_SIMULATOR_SEED: '1',
      // A test's close() stops at once; the drain's own tests set it.
      SHUTDOWN_DRAIN_MS: '0',
    },
    { persistDevSecrets: false },
  );
  return deepMerge<Config>(config, overrides);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge<T>(base: T, overrides: DeepPartial<T>): T {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? deepMerge(merged[key], value) : value;
  }
  return merged as T;
}
