import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestConfig } from '../../test-support/make-test-config';
import { webhookEvents } from '../../db/schema';
import { createLogger } from '../../logger';
import { type RunningServer, startServer } from '../../server';
import { openPostgresBehindProxy } from '../../test-support/postgres-behind-proxy';
import type { TcpProxy } from '../../test-support/tcp-proxy';
import { makeEvent, postOsa } from '../../test-support/webhook-client';

// A real outage needs a real network hop: PostgreSQL behind a proxy the test cuts.
describe.skipIf(!process.env.TEST_DATABASE_URL)('database outage on postgres', () => {
  let proxy: TcpProxy;
  let server: RunningServer;
  let dispose: (() => Promise<void>) | undefined;
  const config = makeTestConfig({ port: 0, host: '127.0.0.1' });
  const secret = config.webhook.secrets[0]!;

  beforeAll(async () => {
    const behind = await openPostgresBehindProxy();
    ({ proxy, dispose } = behind);
    const database = behind.database;
    server = await startServer({ config, logger: createLogger({ debug: false, level: 'silent' }), database });
  });
  afterAll(async () => {
    await server?.close();
    await dispose?.();
  });

  it('answers 503 with Retry-After while the database is away, never 202, and recovers by itself', async () => {
    const before = makeEvent();
    expect((await postOsa(server.url, secret, before)).status).toBe(202);

    proxy.cut();
    const during = makeEvent();
    const started = Date.now();
    const r = await postOsa(server.url, secret, during);
    expect(r.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(r.body).toMatchObject({ success: false, error: 'Service Unavailable' });
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { database: { reachable: boolean } }).database.reachable).toBe(false);

    proxy.restore();
    // The same delivery again, as a sender would retry it: now stored.
    let again = await postOsa(server.url, secret, during);
    for (let i = 0; i < 20 && again.status === 503; i++) {
      await new Promise((res) => setTimeout(res, 250));
      again = await postOsa(server.url, secret, during);
    }
    expect(again.status).toBe(202);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    const stored = await server.ctx.db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.workflowId, during.workflow_id));
    expect(stored[0]!.n).toBe(1);
  });
});
