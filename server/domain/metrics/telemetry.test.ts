import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database';
import { httpRequestRollups } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { Telemetry } from './telemetry';

const AT = Date.parse('2026-03-10T12:30:15Z');

describe.each(testDrivers)('Telemetry request counts on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(() => s?.stop());

  const rows = () =>
    s.ctx.db
      .select({ minute: httpRequestRollups.minute, route: httpRequestRollups.route, status: httpRequestRollups.status, count: httpRequestRollups.count, sumMs: httpRequestRollups.sumMs })
      .from(httpRequestRollups)
      .orderBy(asc(httpRequestRollups.minute), asc(httpRequestRollups.route), asc(httpRequestRollups.status));

  it('adds up across flushes and across processes, per minute, route and status', async () => {
    let now = AT;
    const a = new Telemetry({ db: s.ctx.db, logger: s.ctx.logger, now: () => now });
    const b = new Telemetry({ db: s.ctx.db, logger: s.ctx.logger, now: () => now }); // another process on the same database

    for (const ms of [10, 20, 30]) a.recordHttpRequest('/api/opal/sync', 200, ms, 'POST');
    a.recordHttpRequest('/api/opal/sync', 502, 5000, 'POST');
    await a.flush();
    a.recordHttpRequest('/api/opal/sync', 200, 40, 'POST');
    a.recordHttpRequest('/api/opal/sync', 200, 50, 'POST');
    b.recordHttpRequest('/api/opal/sync', 200, 100, 'POST');
    await Promise.all([a.flush(), b.flush()]);
    now += 60_000;
    a.recordHttpRequest('/api/opal/sync', 200, 1, 'POST');
    await a.flush();
    await a.flush(); // nothing new: nothing written

    expect(await rows()).toEqual([
      { minute: new Date('2026-03-10T12:30:00Z'), route: 'POST /api/opal/sync', status: 200, count: 6, sumMs: 250 },
      { minute: new Date('2026-03-10T12:30:00Z'), route: 'POST /api/opal/sync', status: 502, count: 1, sumMs: 5000 },
      { minute: new Date('2026-03-10T12:31:00Z'), route: 'POST /api/opal/sync', status: 200, count: 1, sumMs: 1 },
    ]);
  });

  it('keeps what a failed flush could not write, and writes it with the next one', async () => {
    // The database goes away, then comes back.
    let up = false;
    const flaky = {
      insert: (...args: Parameters<Db['insert']>) => {
        if (!up) throw new Error('connection refused');
        return s.ctx.db.insert(...args);
      },
    } as unknown as Db;
    const t = new Telemetry({ db: flaky, logger: s.ctx.logger, now: () => AT + 3_600_000 });
    t.recordHttpRequest('/api/health', 200, 2, 'GET');
    await t.flush();
    t.recordHttpRequest('/api/health', 200, 3, 'GET');
    up = true;
    await t.flush();
    const health = (await rows()).filter((r) => r.route === 'GET /api/health');
    expect(health).toEqual([{ minute: new Date('2026-03-10T13:30:00Z'), route: 'GET /api/health', status: 200, count: 2, sumMs: 5 }]);
  });

  it('counts in Prometheus what the middleware and the domain hooks see', async () => {
    const t = new Telemetry({ db: s.ctx.db, logger: s.ctx.logger, now: () => AT });
    t.recordHttpRequest('/api/webhooks/opal-workflow', 202, 3, 'POST');
    t.recordHttpRequest('/api/webhooks/opal-workflow', 401, 1, 'POST');
    t.recordHttpRequest('/api/webhooks/opal-workflow', 409, 1, 'POST');
    t.recordHttpRequest('/api/orchestrations/trigger', 502, 900, 'POST');
    t.recordHttpRequest('/api/health', 200, 1, 'PROPFIND');
    t.observeOpalCall('started', 250);
    t.observeSyncFinished('trigger', 'failed', 900);
    t.observeEventProcessed('processed', 40);
    t.observeRefusal('stale_timestamp');
    t.observeAuditEntry({ action: 'auth.failed', outcome: 'failure' });
    t.observeAuditEntry({ action: 'auth.forbidden', outcome: 'failure' });
    t.observeAuditEntry({ action: 'login', outcome: 'success' });
    t.observeTimedOut(2);
    t.setProcessState({ circuit: 'half_open', probes: { consecutive_failures: 3, consecutive_successes: 0 } });
    const text = await t.registry.metrics();
    expect(text).toContain('http_requests_total{method="POST",route="/api/webhooks/opal-workflow",status="202"} 1');
    expect(text).toContain('http_requests_total{method="OTHER",route="/api/health",status="200"} 1');
    expect(text).toContain('opal_webhook_deliveries_total{route="/api/webhooks/opal-workflow",outcome="accepted"} 1');
    expect(text).toContain('opal_webhook_deliveries_total{route="/api/webhooks/opal-workflow",outcome="bad_signature"} 1');
    expect(text).toContain('opal_webhook_deliveries_total{route="/api/webhooks/opal-workflow",outcome="duplicate"} 1');
    expect(text).toContain('opal_force_sync_requests_total{kind="trigger",outcome="opal_failed"} 1');
    expect(text).toContain('opal_force_sync_duration_seconds_bucket{le="0.5",kind="trigger",status="failed"} 0');
    expect(text).toContain('opal_force_sync_duration_seconds_bucket{le="1",kind="trigger",status="failed"} 1');
    // Created at 0 before any sync, so that increase() sees the first one.
    expect(text).toContain('opal_force_sync_duration_seconds_count{kind="force_sync",status="triggered"} 0');
    expect(text).toContain('opal_webhook_refusals_total{reason="stale_timestamp"} 1');
    expect(text).toContain('opal_webhook_refusals_total{reason="invalid_signature"} 0');
    expect(text).toContain('opal_auth_failures_total 1');
    expect(text).toContain('opal_workflows_timed_out_total 2');
    expect(text).toContain('opal_circuit_state{state="half_open"} 1');
    expect(text).toContain('opal_circuit_state{state="closed"} 0');
    expect(text).toContain('opal_database_probe_consecutive_failures 3');
    expect(text).toContain('opal_call_latency_seconds_count{outcome="started"} 1');
    expect(text).toContain('opal_webhook_processing_seconds_sum 0.04');
  });
});
