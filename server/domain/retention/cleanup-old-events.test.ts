import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, hourlyRollups, httpRequestRollups, idempotencyKeys, jobRuns, webhookEvents, webhookRejections, workflows } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { cleanupOldEvents } from './cleanup-old-events';
import { RETENTION_ACTOR, RETENTION_JOB_NAME } from './register-retention-job';

const DAY = 86_400_000;

describe.each(testDrivers)('retention cleanup on %s', (driver) => {
  let s: TestServer;
  const clock = { now: Date.now() };
  const NOW = clock.now;

  /** Stores a workflow's events as the receiver would, received from `at` on, one a second. */
  async function seed(workflowId: string, at: number, types: string[]) {
    await s.ctx.db.insert(webhookEvents).values(
      types.map((eventType, i) => {
        const payload = { event_type: eventType, workflow_id: workflowId, offset: i, ...(eventType.startsWith('agent.') ? { agent_id: 'geo_audit' } : {}) };
        return {
          id: randomUUID(),
          dedupKey: `test:${workflowId}:${i}`,
          workflowId,
          eventType,
          agentId: eventType.startsWith('agent.') ? 'geo_audit' : null,
          eventOffset: i,
          payload,
          payloadSize: JSON.stringify(payload).length,
          signatureScheme: 'osa',
          eventTimestamp: new Date(at + i * 1000),
          receivedAt: new Date(at + i * 1000),
          outcome: eventType.endsWith('.completed') ? 'success' : eventType.endsWith('.failed') ? 'failure' : 'in_progress',
          correlationId: 'test',
        };
      }),
    );
  }
  const eventsOf = async (workflowId: string) =>
    (await s.ctx.db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.workflowId, workflowId)))[0]!.n;
  const cleanupEntries = () =>
    s.ctx.db.select({ actor: auditLog.actor, outcome: auditLog.outcome, details: auditLog.details }).from(auditLog).where(eq(auditLog.action, 'retention.cleanup'));

  beforeAll(async () => {
    s = await startTestServer(driver, { retentionDays: 7 }, { now: () => clock.now });
  });
  afterAll(() => s?.stop());

  it('deletes in bounded batches, whole workflows at a time', async () => {
    const full = ['workflow.started', 'agent.started', 'agent.completed', 'workflow.completed'];
    for (let i = 0; i < 3; i++) await seed(`wf-batch-${i}`, NOW - 20 * DAY, full);
    await seed('wf-batch-failed', NOW - 20 * DAY, ['workflow.started', 'agent.failed', 'workflow.failed']);
    await s.settle();
    const r = await cleanupOldEvents({ ctx: s.ctx, input: { retentionDays: 10, actor: 'tester', trigger: 'request', reason: 'test cleanup', batchSize: 5 } });
    expect(r).toMatchObject({ deleted_events: 15, deleted_workflows: 4, deleted_rejections: 0, batches: 3, retention_days: 10 });
    for (const id of ['wf-batch-0', 'wf-batch-1', 'wf-batch-2', 'wf-batch-failed']) expect(await eventsOf(id)).toBe(0);
    expect(await s.ctx.db.select({ id: workflows.workflowId }).from(workflows)).toEqual([]);
  });

  it("keeps a finished workflow's whole log while it has a pending event or one received since the cutoff", async () => {
    await seed('wf-pending', NOW - 20 * DAY, ['workflow.started', 'workflow.completed']);
    await seed('wf-late', NOW - 20 * DAY, ['workflow.started', 'workflow.completed']);
    await s.settle();
    // A late callback still waiting for the worker (stopped, so it stays waiting), and one stored yesterday whose processing failed.
    await s.ctx.projections.stop();
    await s.ctx.db.insert(webhookEvents).values({
      id: randomUUID(), dedupKey: 'test:wf-pending:late', workflowId: 'wf-pending', eventType: 'agent.completed', agentId: 'geo_audit',
      eventOffset: 5, payload: {}, payloadSize: 2, signatureScheme: 'osa', receivedAt: new Date(NOW - 20 * DAY + 10_000),
      outcome: 'success', correlationId: 'test', processingStatus: 'pending',
    });
    await s.ctx.db.insert(webhookEvents).values({
      id: randomUUID(), dedupKey: 'test:wf-late:late', workflowId: 'wf-late', eventType: 'agent.completed', agentId: 'geo_audit',
      eventOffset: 5, payload: {}, payloadSize: 2, signatureScheme: 'osa', receivedAt: new Date(NOW - DAY),
      outcome: 'success', correlationId: 'test', processingStatus: 'failed', processingError: 'projection update failed: test',
    });
    const r = await cleanupOldEvents({ ctx: s.ctx, input: { retentionDays: 10, actor: 'tester', trigger: 'request', reason: 'test cleanup' } });
    expect(r).toMatchObject({ deleted_events: 0, deleted_workflows: 0 });
    expect(await eventsOf('wf-pending')).toBe(3);
    expect(await eventsOf('wf-late')).toBe(3);
    await s.ctx.db.delete(webhookEvents).where(eq(webhookEvents.dedupKey, 'test:wf-pending:late'));
    await s.ctx.db.delete(webhookEvents).where(eq(webhookEvents.dedupKey, 'test:wf-late:late'));
    const after = await cleanupOldEvents({ ctx: s.ctx, input: { retentionDays: 10, actor: 'tester', trigger: 'request', reason: 'test cleanup' } });
    expect(after).toMatchObject({ deleted_events: 4, deleted_workflows: 2 });
  });

  it('runs daily at RETENTION_DAYS through the cluster scheduler, once per period, audited as system:retention', async () => {
    await seed('wf-job-old', NOW - 8 * DAY, ['workflow.started', 'workflow.completed']);
    await seed('wf-job-recent', NOW - 6 * DAY, ['workflow.started', 'workflow.completed']);
    await s.ctx.db.insert(webhookRejections).values([
      { id: randomUUID(), receivedAt: new Date(NOW - 8 * DAY), reason: 'invalid_signature' },
      { id: randomUUID(), receivedAt: new Date(NOW - 6 * DAY), reason: 'invalid_signature' },
    ]);
    await s.settle();
    await s.ctx.audit.flush();
    const before = (await cleanupEntries()).length;

    await s.ctx.scheduler.tick();
    expect(await eventsOf('wf-job-old')).toBe(0);
    expect(await eventsOf('wf-job-recent')).toBe(2);
    const [run] = await s.ctx.db.select({ result: jobRuns.lastResult, error: jobRuns.lastError }).from(jobRuns).where(eq(jobRuns.job, RETENTION_JOB_NAME));
    expect(run).toMatchObject({ error: null, result: { deleted_events: 2, deleted_rejections: 1, deleted_workflows: 1, retention_days: 7 } });

    // Not due again within the day.
    clock.now += 3_600_000;
    await s.ctx.scheduler.tick();
    await s.ctx.audit.flush();
    const entries = (await cleanupEntries()).slice(before);
    expect(entries).toEqual([
      { actor: RETENTION_ACTOR, outcome: 'success', details: expect.objectContaining({ trigger: 'schedule', deleted_events: 2, retention_days: 7 }) },
    ]);
    const [left] = await s.ctx.db.select({ n: count() }).from(webhookRejections).where(and(eq(webhookRejections.reason, 'invalid_signature')));
    expect(left!.n).toBe(1);
  });
  it('prunes metric aggregates past retention (never inside the rollup window) and expired Idempotency-Key records', async () => {
    const hour = (daysAgo: number) => new Date(Math.floor((NOW - daysAgo * DAY) / 3_600_000) * 3_600_000);
    const computedAt = new Date(NOW);
    await s.ctx.db.insert(hourlyRollups).values([
      { hour: hour(40), series: 'test_series', dimension: '', total: 1, failures: 0, sumMs: 1, histogram: {}, computedAt },
      { hour: hour(32), series: 'test_series', dimension: '', total: 1, failures: 0, sumMs: 1, histogram: {}, computedAt },
    ]);
    await s.ctx.db.insert(httpRequestRollups).values([
      { minute: hour(40), route: '/test', status: 200, count: 1, sumMs: 1 },
      { minute: hour(1), route: '/test', status: 200, count: 1, sumMs: 1 },
    ]);
    await s.ctx.db.insert(idempotencyKeys).values([
      { scope: 'test', route: 'force_sync', key: 'old', requestHash: 'x', state: 'completed', createdAt: new Date(NOW - 2 * DAY) },
      { scope: 'test', route: 'force_sync', key: 'fresh', requestHash: 'x', state: 'completed', createdAt: new Date(NOW - 3_600_000) },
    ]);
    const r = await cleanupOldEvents({ ctx: s.ctx, input: { retentionDays: 7, actor: 'test', trigger: 'request', reason: 'test cleanup' } });
    expect(r.deleted_aggregates).toBeGreaterThanOrEqual(3);
    const rollups = await s.ctx.db.select({ hour: hourlyRollups.hour }).from(hourlyRollups).where(eq(hourlyRollups.series, 'test_series'));
    expect(rollups.map((x) => x.hour.getTime())).toEqual([hour(32).getTime()]);
    expect((await s.ctx.db.select({ n: count() }).from(httpRequestRollups).where(eq(httpRequestRollups.route, '/test')))[0]!.n).toBe(1);
    expect((await s.ctx.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.scope, 'test'))).map((k) => k.key)).toEqual(['fresh']);
  });
});
