/**
 * The client example, run as it is against the real server: its generated
 * types, the OpenAPI document they came from, and the server's answers agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '../../server/test-support/test-database';
import { startTestServer, type TestServer } from '../../server/test-support/test-server';
import { forceSyncAndPoll } from './force-sync-and-poll';

const simulator = { opal: { simulator: { delayMs: 5, failureRate: 0 } } };
const API_KEY = 'acme-app-key-0123456789abcdef0123456789a';
const nineCompleted = { agents_total: 9, agents_completed: 9, agents_failed: 0, agents_running: 0, agents_pending: 0 };

describe.each(testDrivers)('clients/examples/force-sync-and-poll on %s', (driver) => {
  describe('a server without API keys', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(driver, simulator);
    });
    afterAll(() => s?.stop());

    it('starts a force sync and polls it to completed, printing progress', async () => {
      const lines: string[] = [];
      const final = await forceSyncAndPoll({ baseUrl: s.url, intervalMs: 50, timeoutMs: 20_000, print: (l) => lines.push(l) });
      expect(final.status).toBe('completed');
      expect(final.progress).toEqual(nineCompleted);
      expect(final.agents.filter((a) => a.status === 'completed')).toHaveLength(9);
      expect(final.workflow?.workflow_id).toBe(final.opal.workflow_id);
      expect(lines[0]).toMatch(new RegExp(`^sync ${final.sync_id} started Opal workflow ${final.opal.workflow_id} \\(9 agents, simulator\\)$`));
      expect(lines.at(-1)).toBe('completed: 9/9 agents completed, 0 running, 0 failed');
    });
  });

  describe('a server with an API key', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(driver, { ...simulator, apiKeys: [{ name: 'acme-app', role: 'client', key: API_KEY }] });
    });
    afterAll(() => s?.stop());

    it('without the key, the first call is refused with 401 and the error names it', async () => {
      await expect(forceSyncAndPoll({ baseUrl: s.url, print: () => {} })).rejects.toThrow(/^POST \/api\/opal\/sync answered 401 Authentication failed: /);
    });

    it('with the key, it completes', async () => {
      const final = await forceSyncAndPoll({ baseUrl: s.url, apiKey: API_KEY, intervalMs: 50, timeoutMs: 20_000, print: () => {} });
      expect(final.status).toBe('completed');
      expect(final.progress).toEqual(nineCompleted);
    });
  });
});
