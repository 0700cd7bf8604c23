import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config';
import { TEST_WEBHOOK_SECRET, makeTestConfig } from './make-test-config';

describe('makeTestConfig', () => {
  it('is a valid non-production config with fixed secrets and an uncreated, fresh dataDir', () => {
    const a = makeTestConfig();
    const b = makeTestConfig();
    expect(a.isProduction).toBe(false);
    expect(a.webhook.secrets).toEqual([TEST_WEBHOOK_SECRET]);
    expect(Buffer.from(TEST_WEBHOOK_SECRET.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(a.opal.authKey).toBe(b.opal.authKey);
    expect(a.dataDir).not.toBe(b.dataDir);
    expect(existsSync(a.dataDir)).toBe(false);
    expect(a.opal.simulator).toEqual({ delayMs: 0, failureRate: 0, seed: 1 });
  });

  it('deep-merges overrides, replacing arrays and honouring explicit undefined', () => {
    const config = makeTestConfig({
      port: 0,
      opal: { simulator: { failureRate: 0.5 }, webhookUrl: 'http://127.0.0.1:9/opal' },
      apiKeys: [{ name: 'ops', role: 'operator', key: 'k'.repeat(32) }],
      admin: { email: undefined },
    });
    expect(config.port).toBe(0);
    expect(config.opal.simulator).toEqual({ delayMs: 0, failureRate: 0.5, seed: 1 });
    expect(config.opal.webhookUrl).toBe('http://127.0.0.1:9/opal');
    expect(config.opal.workspaceId).toBe('default-workspace');
    expect(config.apiKeys).toEqual([{ name: 'ops', role: 'operator', key: 'k'.repeat(32) }]);
    expect('email' in config.admin && config.admin.email === undefined).toBe(true);
    expect(makeTestConfig().opal.simulator.failureRate).toBe(0);
  });

  it('has every default loadConfig gives', () => {
    const { config } = loadConfig({}, { persistDevSecrets: false });
    const test = makeTestConfig();
    expect(test.retentionDays).toBe(config.retentionDays);
    expect(test.webhook.maxBytes).toBe(config.webhook.maxBytes);
    expect(test.opal.timeoutMs).toBe(config.opal.timeoutMs);
  });
});
