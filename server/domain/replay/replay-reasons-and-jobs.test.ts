import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REASON_GIVEN } from '../../contracts/reason';
import { auditLog, replayJobs, replays, webhookEvents } from '../../db/schema';
import { appRouter } from '../../trpc/app-router';
import { createCallerFactory } from '../../trpc/trpc';
import { lbFetch, productionEnv, startProductionServer } from '../../test-support/authz-production-server';
import { markFailed, storeEvents, strategyRun } from '../../test-support/replay-test-fixtures';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { forRequest } from '../access/request-context';
import { claimBulkReplayJob, REPLAY_JOB_LEASE_MS, runBulkReplayBatch } from './bulk-replay-jobs';

interface Json {
  [k: string]: unknown;
}
const post = async (s: TestServer, path: string, body?: unknown) => {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json };
};
const get = async (s: TestServer, path: string) => (await fetch(`${s.url}${path}`).then((r) => r.json())) as Json;
const caller = createCallerFactory(appRouter);
const as = (s: TestServer, role: 'operator' | 'admin') =>
  caller(forRequest(s.ctx, { correlationId: 'test-corr', sourceIp: '127.0.0.1', target: 'trpc test', identify: async () => ({ actor: { name: `${role === 'admin' ? 'admin' : 'op'}@example.test`, role, via: 'session' } }) }));
const asOperator = (s: TestServer) => as(s, 'operator');

async function auditOf(s: TestServer, action: string, replayId: string) {
  await s.ctx.audit.flush();
  const rows = await s.ctx.db.select().from(auditLog).where(eq(auditLog.action, action));
  return rows.filter((r) => (r.details as Json | null)?.replay_id === replayId || r.target === replayId);
}
const reasonOf = async (s: TestServer, replayId: string) =>
  (await s.ctx.db.select({ reason: replays.reason }).from(replays).where(eq(replays.replayId, replayId)))[0]?.reason;

/** Three workflows whose middle events failed: a bulk replay of processing failures has three batches. */
async function threeFailedWorkflows(s: TestServer, tag: string) {
  const ids: string[][] = [];
  for (const n of [1, 2, 3]) {
    const stored = await storeEvents(s, strategyRun(`wf-${tag}-${n}`, ['content_review', 'geo_audit']));
    await markFailed(s.ctx.db, [stored[2]!, stored[3]!]);
    ids.push([stored[2]!, stored[3]!]);
  }
  return ids;
}
const statesOf = async (s: TestServer, ids: string[]) =>
  (await s.ctx.db.select({ id: webhookEvents.id, st: webhookEvents.processingStatus }).from(webhookEvents).where(inArray(webhookEvents.id, ids))).map((r) => r.st).sort();

describe.each(testDrivers)('replay reasons and bulk replay jobs on %s', (driver) => {
  let s: TestServer;
  let clock = Date.now();
  beforeAll(async () => {
    s = await startTestServer(driver, {}, { now: () => clock });
  });
  afterAll(() => s?.stop());

  it('keeps the reason of a workflow replay with the replay, in the audit row and in the history (REST and tRPC)', async () => {
    const wf = `wf-reason-${randomUUID()}`;
    await storeEvents(s, strategyRun(wf));
    const r = await post(s, '/api/orchestrations/replay', { workflow_id: wf, reason: '  INC-7: projection drift  ' });
    expect(r.status).toBe(200);
    const id = String(r.body.replay_id);
    expect(await reasonOf(s, id)).toBe('INC-7: projection drift');
    expect((await auditOf(s, 'replay', id)).map((a) => (a.details as Json).reason)).toEqual(['INC-7: projection drift']);
    const list = (await get(s, '/api/orchestrations/replay?limit=5')) as { replays: Json[] };
    expect(list.replays.find((x) => x.replay_id === id)).toMatchObject({ reason: 'INC-7: projection drift', requested_by: 'anonymous' });

    const t = await asOperator(s).replay.workflow({ workflow_id: wf, reason: 'from the console' });
    expect(await reasonOf(s, t.replay_id)).toBe('from the console');
    expect((await asOperator(s).replay.list({ limit: 5 })).replays.find((x) => x.replay_id === t.replay_id)).toMatchObject({ reason: 'from the console', requested_by: 'op@example.test' });
  });

  it('records "none given" in development when REST gives no reason; a dry run may go without (null)', async () => {
    const wf = `wf-none-${randomUUID()}`;
    await storeEvents(s, strategyRun(wf));
    const real = await post(s, '/api/orchestrations/replay', { workflow_id: wf, from_offset: 0, replay_options: { force_reprocess: true } });
    expect(await reasonOf(s, String(real.body.replay_id))).toBe(NO_REASON_GIVEN);
    const dry = await post(s, '/api/orchestrations/replay', { workflow_id: wf, dry_run: true });
    expect(await reasonOf(s, String(dry.body.replay_id))).toBeNull();
    const bulk = await post(s, '/api/orchestrations/replay/bulk', { filter: { event_ids: [randomUUID()] }, dry_run: false });
    expect(bulk.status).toBe(404);
    const accepted = await post(s, '/api/orchestrations/replay/bulk', { max_events: 1 });
    expect(accepted.status).toBe(202);
    expect(await reasonOf(s, String(accepted.body.job_id))).toBe(NO_REASON_GIVEN);
    await s.ctx.replayJobs.runUntilIdle();

    const cleanup = await fetch(`${s.url}/api/diagnostics/last-webhook`, { method: 'POST', body: JSON.stringify({ action: 'cleanup_old_events', retention_days: 30 }) });
    expect(cleanup.status).toBe(200);
    await s.ctx.audit.flush();
    const audits = await s.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'retention.cleanup'));
    expect(audits.at(-1)!.details).toMatchObject({ reason: NO_REASON_GIVEN, trigger: 'request' });
  });

  it('tRPC requires the reason of a real run (and of a cleanup), and stores nothing without it', async () => {
    const before = (await s.ctx.db.select({ id: replays.replayId }).from(replays)).length;
    await expect(asOperator(s).replay.workflow({ workflow_id: 'wf-x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(asOperator(s).replay.bulk({ filter: {} })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(asOperator(s).replay.bulk({ filter: {}, reason: 'no' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(as(s, 'admin').diagnostics.cleanup({ retention_days: 30 } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await s.ctx.db.select({ id: replays.replayId }).from(replays)).length).toBe(before);
  });

  it('follows a bulk job batch by batch: queued, running with its progress, completed with who and why', async () => {
    const tag = randomUUID().slice(0, 8);
    const ids = await threeFailedWorkflows(s, tag);
    const accepted = await post(s, '/api/orchestrations/replay/bulk', { filter: { event_ids: ids.flat() }, reason: 'INC-9 backfill' });
    expect(accepted).toMatchObject({ status: 202, body: { success: true, job: { state: 'queued', matched: 6, selected: 6, workflows_total: 3, done: 0, reason: 'INC-9 backfill' } } });
    const jobId = String(accepted.body.job_id);
    expect(accepted.body.status_url).toBe(`${s.config.baseUrl}/api/orchestrations/replay/bulk/${jobId}`);

    const owner = 'test-worker';
    expect(await claimBulkReplayJob(s.ctx, owner)).toBe(jobId);
    expect(await runBulkReplayBatch(s.ctx, jobId, owner)).toBe('continue');
    const mid = await get(s, `/api/orchestrations/replay/bulk/${jobId}`);
    expect(mid).toMatchObject({ state: 'running', workflows_done: 1, done: 2, failed: 0, skipped: 0, requested_by: 'anonymous', finished_at: null });
    expect(mid.started_at).not.toBeNull();
    expect(await runBulkReplayBatch(s.ctx, jobId, owner)).toBe('continue');
    expect(await runBulkReplayBatch(s.ctx, jobId, owner)).toBe('finished');
    const end = await asOperator(s).replay.bulkJob({ job_id: jobId });
    expect(end).toMatchObject({ state: 'completed', workflows_done: 3, done: 6, reason: 'INC-9 backfill' });
    expect(end.finished_at).not.toBeNull();
    expect(await statesOf(s, ids.flat())).toEqual(Array(6).fill('processed'));
    const audit = await auditOf(s, 'replay.bulk', jobId);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ reason: 'INC-9 backfill', status: 'completed', processing_summary: { successful_events: 6 } });
    const list = await asOperator(s).replay.list({ limit: 10 });
    expect(list.replays.find((x) => x.replay_id === jobId)).toMatchObject({ status: 'completed', reason: 'INC-9 backfill' });
  });

  it('cancels between batches: exactly the batches done stay done, counted in rows; cancelling an ended job is a 409', async () => {
    const ids = await threeFailedWorkflows(s, randomUUID().slice(0, 8));
    const job = await asOperator(s).replay.bulk({ filter: { event_ids: ids.flat() }, reason: 'cancel me' });
    if (!('job_id' in job)) throw new Error('expected a job');
    const owner = 'test-worker';
    expect(await claimBulkReplayJob(s.ctx, owner)).toBe(job.job_id);
    expect(await runBulkReplayBatch(s.ctx, job.job_id, owner)).toBe('continue');
    const cancel = await post(s, `/api/orchestrations/replay/bulk/${job.job_id}/cancel`);
    expect(cancel).toMatchObject({ status: 200, body: { state: 'running', cancel_requested_by: 'anonymous' } });
    expect(await runBulkReplayBatch(s.ctx, job.job_id, owner)).toBe('finished');
    expect(await get(s, `/api/orchestrations/replay/bulk/${job.job_id}`)).toMatchObject({ state: 'cancelled', workflows_done: 1, done: 2 });
    // Rows: the first workflow's two events processed, the other four still failed.
    expect(await statesOf(s, ids[0]!)).toEqual(['processed', 'processed']);
    expect(await statesOf(s, [...ids[1]!, ...ids[2]!])).toEqual(Array(4).fill('failed'));
    const audit = await auditOf(s, 'replay.bulk', job.job_id);
    expect(audit.map((a) => (a.details as Json).status)).toEqual(['cancelled']);
    expect(await auditOf(s, 'replay.bulk.cancel', job.job_id)).toHaveLength(1);
    expect((await asOperator(s).replay.list({ limit: 10 })).replays.find((x) => x.replay_id === job.job_id)).toMatchObject({ status: 'cancelled' });
    expect((await post(s, `/api/orchestrations/replay/bulk/${job.job_id}/cancel`)).status).toBe(409);
    expect((await post(s, `/api/orchestrations/replay/bulk/${randomUUID()}/cancel`)).status).toBe(404);
  });

  it('cancels a queued job at once: no batch runs', async () => {
    const ids = await threeFailedWorkflows(s, randomUUID().slice(0, 8));
    const accepted = await post(s, '/api/orchestrations/replay/bulk', { filter: { event_ids: ids.flat() }, reason: 'queued cancel' });
    const jobId = String(accepted.body.job_id);
    const cancelled = await asOperator(s).replay.cancelBulk({ job_id: jobId });
    expect(cancelled).toMatchObject({ state: 'cancelled', workflows_done: 0, done: 0, cancel_requested_by: 'op@example.test' });
    expect(await claimBulkReplayJob(s.ctx, 'w')).toBeNull();
    expect(await statesOf(s, ids.flat())).toEqual(Array(6).fill('failed'));
  });

  it('a second worker does not run the same job: one claim wins, the loser runs nothing, and a crashed runner is resumed from its cursor', async () => {
    const ids = await threeFailedWorkflows(s, randomUUID().slice(0, 8));
    const accepted = await post(s, '/api/orchestrations/replay/bulk', { filter: { event_ids: ids.flat() }, reason: 'two workers' });
    const jobId = String(accepted.body.job_id);
    const claims = await Promise.all([claimBulkReplayJob(s.ctx, 'worker-a'), claimBulkReplayJob(s.ctx, 'worker-b')]);
    expect(claims.filter((c) => c === jobId)).toHaveLength(1);
    const [winner, loser] = claims[0] === jobId ? ['worker-a', 'worker-b'] : ['worker-b', 'worker-a'];
    expect(await runBulkReplayBatch(s.ctx, jobId, loser)).toBe('lost');
    expect(await runBulkReplayBatch(s.ctx, jobId, winner)).toBe('continue');
    // The winner "crashes"; while its lease holds, nobody takes the job over.
    expect(await claimBulkReplayJob(s.ctx, loser)).toBeNull();
    clock += REPLAY_JOB_LEASE_MS + 1;
    expect(await claimBulkReplayJob(s.ctx, loser)).toBe(jobId);
    expect(await runBulkReplayBatch(s.ctx, jobId, winner)).toBe('lost');
    expect(await runBulkReplayBatch(s.ctx, jobId, loser)).toBe('continue');
    expect(await runBulkReplayBatch(s.ctx, jobId, loser)).toBe('finished');
    const [row] = await s.ctx.db.select().from(replayJobs).where(and(eq(replayJobs.jobId, jobId)));
    expect(row).toMatchObject({ state: 'completed', cursor: 3, done: 6, failed: 0, skipped: 0, lockedBy: null });
    expect(await auditOf(s, 'replay.bulk', jobId)).toHaveLength(1);
  });

  it('runs a queued job in the background worker too (what a server with background jobs does)', async () => {
    const ids = await threeFailedWorkflows(s, randomUUID().slice(0, 8));
    const accepted = await post(s, '/api/orchestrations/replay/bulk', { filter: { event_ids: ids.flat() }, reason: 'worker' });
    await s.ctx.replayJobs.runUntilIdle();
    expect(await get(s, `/api/orchestrations/replay/bulk/${String(accepted.body.job_id)}`)).toMatchObject({ state: 'completed', done: 6 });
  });
});

describe.each(testDrivers)('replay reasons in production on %s', (driver) => {
  let s: TestServer;
  const key = 'ops-key-' + randomUUID();
  beforeAll(async () => {
    ({ server: s } = await startProductionServer(
      driver,
      productionEnv({
        authKey: randomUUID() + randomUUID(),
        toolToken: randomUUID() + randomUUID(),
        webhookSecrets: ['whsec_' + Buffer.alloc(32, 7).toString('base64')],
        apiKeys: [{ name: 'ops', role: 'admin', key }],
        adminEmail: 'admin@example.test',
        adminPassword: 'a long admin password 42',
        opalWebhookUrl: 'http://127.0.0.1:9/opal',
      }),
    ));
  });
  afterAll(() => s?.stop());

  it.each([
    ['a workflow replay', '/api/orchestrations/replay', { workflow_id: 'wf-prod' }],
    ['a bulk replay', '/api/orchestrations/replay/bulk', {}],
    ['cleanup_old_events', '/api/diagnostics/last-webhook', { action: 'cleanup_old_events', retention_days: 30 }],
  ])('refuses %s without a reason with 400 naming the field, and records nothing', async (_what, path, body) => {
    const res = await lbFetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { details: { field_errors: { path: string }[] } };
    expect(answer.details.field_errors.map((f) => f.path)).toEqual(['reason']);
    expect(await s.ctx.db.select({ id: replays.replayId }).from(replays)).toHaveLength(0);
    await s.ctx.audit.flush();
    expect(await s.ctx.db.select().from(auditLog).where(inArray(auditLog.action, ['replay', 'replay.bulk', 'retention.cleanup']))).toHaveLength(0);
  });

  it('accepts a dry run without a reason (it changes nothing)', async () => {
    const res = await lbFetch(`${s.url}/api/orchestrations/replay/bulk`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ dry_run: true }) });
    expect(res.status).toBe(200);
  });
});
