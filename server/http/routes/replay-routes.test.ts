import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, replays, syncRequests, webhookEvents } from '../../db/schema';
import {
  eventsOf,
  foldOf,
  immutable,
  markFailed,
  projectionOf,
  storeEvents,
  strategyRun,
} from '../../test-support/replay-test-fixtures';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent } from '../../test-support/webhook-client';

interface Json {
  [k: string]: unknown;
}
interface Entry {
  event_id: string;
  offset: number | null;
  action: string;
  skip_reason: string | null;
  duplicate_of: string | null;
  result: string | null;
}
async function call(url: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}
const replay = (s: TestServer, body: unknown) => call(s.url, '/api/orchestrations/replay', { body });
const fieldPaths = (body: Json) => ((body.details as { field_errors?: { path: string }[] } | undefined)?.field_errors ?? []).map((f) => f.path);
const entries = (body: Json) => body.events as Entry[];

describe.each(testDrivers)('POST /api/orchestrations/replay on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(() => s?.stop());

  it("answers the runbook's dry run as written: found, to re-run, skipped, problems, and changes nothing", async () => {
    const run = strategyRun('wf_123', ['content_review', 'geo_audit']);
    // Offset 3 never arrived; a tenth agent reported in.
    const sent = [...run.filter((e) => e.offset !== 3), makeEvent({ workflow_id: 'wf_123', event_type: 'agent.started', agent_id: 'mystery_agent', offset: 6 })];
    const ids = await storeEvents(s, sent);
    await markFailed(s.ctx.db, [ids[1]!, ids[4]!]);
    const before = { events: await eventsOf(s.ctx.db, 'wf_123'), projection: await projectionOf(s.ctx.db, 'wf_123') };

    const r = await call(s.url, '/api/orchestrations/replay', { body: '{"workflow_id": "wf_123", "dry_run": true}' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      replay_id: expect.any(String),
      status: 'dry_run',
      dry_run: true,
      workflow_id: 'wf_123',
      resolved_from: 'workflow_id',
      events_found: 6,
      events_to_rerun: 2,
      events_to_skip: 4,
      skip_reasons: { already_processed: 4, duplicate: 0, over_max_events: 0 },
      processing_summary: { successful_events: 0, failed_events: 0, skipped_events: 4, processing_time_ms: expect.any(Number) },
    });
    expect(entries(r.body).filter((e) => e.action === 'rerun').map((e) => e.event_id)).toEqual([ids[1], ids[4]]);
    expect(entries(r.body).every((e) => e.result === null)).toBe(true);
    expect(r.body.problems).toEqual([
      expect.objectContaining({ kind: 'offset_gap', from_offset: 3, to_offset: 3 }),
      expect.objectContaining({ kind: 'unknown_agent', agent_id: 'mystery_agent', event_count: 1 }),
    ]);
    expect(await eventsOf(s.ctx.db, 'wf_123')).toEqual(before.events);
    expect(await projectionOf(s.ctx.db, 'wf_123')).toEqual(before.projection);
    const [row] = await s.ctx.db
      .select({ kind: replays.kind, dryRun: replays.dryRun, status: replays.status, requestedBy: replays.requestedBy, workflowId: replays.workflowId })
      .from(replays)
      .where(eq(replays.replayId, String(r.body.replay_id)));
    expect(row).toEqual({ kind: 'workflow', dryRun: true, status: 'dry_run', requestedBy: 'anonymous', workflowId: 'wf_123' });
  });

  it('fixes failed events: processed again, the workflow equal to a fresh fold, outcome, receipt and payload untouched', async () => {
    const wf = `wf-${randomUUID()}`;
    const run = strategyRun(wf, ['content_review', 'geo_audit']);
    run[4] = { ...run[4]!, event_type: 'agent.failed', execution_status: 'failure', error: 'quota exceeded' };
    const ids = await storeEvents(s, run);
    await markFailed(s.ctx.db, [ids[4]!, ids[5]!]);
    expect((await projectionOf(s.ctx.db, wf))!.status).toBe('running'); // workflow.completed is not in the fold
    const before = await eventsOf(s.ctx.db, wf);

    const r = await replay(s, { workflow_id: wf });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      status: 'completed',
      dry_run: false,
      events_found: 6,
      events_to_rerun: 2,
      processing_summary: { successful_events: 2, failed_events: 0, skipped_events: 4 },
      workflow: { status: 'completed', event_count: 6, error: null },
    });
    const after = await eventsOf(s.ctx.db, wf);
    expect(after.every((e) => e.processingStatus === 'processed' && e.processingError === null)).toBe(true);
    expect(immutable(after)).toEqual(immutable(before));
    expect(after[4]).toMatchObject({ outcome: 'failure', outcomeError: 'quota exceeded' });
    expect(after[4]!.processedAt).not.toEqual(before[4]!.processedAt);
    expect(after[4]!.processingMs).toEqual(expect.any(Number));
    // Events that were not re-run keep what their processing set.
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
    const projection = await projectionOf(s.ctx.db, wf);
    expect(projection).toEqual(await foldOf(s.ctx.db, wf));
    expect(projection!.agents.find((a) => a.agentId === 'geo_audit')).toMatchObject({ status: 'failed', error: 'quota exceeded' });
  });

  it('gives the same state when replayed twice, and a second plain replay has nothing to do', async () => {
    const wf = `wf-${randomUUID()}`;
    const ids = await storeEvents(s, strategyRun(wf, ['geo_audit', 'roadmap_generator']));
    await markFailed(s.ctx.db, ids.slice(2));
    await replay(s, { workflow_id: wf });
    const once = await projectionOf(s.ctx.db, wf);
    const again = await replay(s, { workflow_id: wf });
    expect(again.body).toMatchObject({ status: 'completed', events_to_rerun: 0, processing_summary: { successful_events: 0, skipped_events: 6 } });
    const forced = await replay(s, { workflow_id: wf, replay_options: { force_reprocess: true } });
    expect(forced.body).toMatchObject({ processing_summary: { successful_events: 6 } });
    expect(await projectionOf(s.ctx.db, wf)).toEqual(once);
    expect(once).toEqual(await foldOf(s.ctx.db, wf));
  });

  it("runs the runbook's recovery command as written: force_reprocess re-runs processed events from offset 0", async () => {
    const ids = await storeEvents(s, strategyRun('affected-workflow-id', ['integration_health']));
    const before = await eventsOf(s.ctx.db, 'affected-workflow-id');
    const r = await call(s.url, '/api/orchestrations/replay', {
      body: `{
    "workflow_id": "affected-workflow-id",
    "from_offset": 0,
    "replay_options": {
      "force_reprocess": true
    }
  }`,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'completed',
      replay_options: { force_reprocess: true, skip_duplicates: false, max_events: 1000 },
      events_found: ids.length,
      events_to_rerun: ids.length,
      processing_summary: { successful_events: ids.length, failed_events: 0, skipped_events: 0 },
    });
    const after = await eventsOf(s.ctx.db, 'affected-workflow-id');
    expect(after.every((e, i) => e.processedAt!.getTime() >= before[i]!.processedAt!.getTime())).toBe(true);
    expect(immutable(after)).toEqual(immutable(before));
    expect(await projectionOf(s.ctx.db, 'affected-workflow-id')).toEqual(await foldOf(s.ctx.db, 'affected-workflow-id'));
  });

  it('replays from from_offset only; an earlier failure stays failed', async () => {
    const wf = `wf-${randomUUID()}`;
    const ids = await storeEvents(s, strategyRun(wf, ['content_review', 'geo_audit', 'cmp_organizer']));
    await markFailed(s.ctx.db, [ids[1]!, ids[5]!]);
    const r = await replay(s, { workflow_id: wf, from_offset: 3 });
    expect(r.body).toMatchObject({ from_offset: 3, events_found: 5, events_to_rerun: 1, processing_summary: { successful_events: 1 } });
    expect(entries(r.body).map((e) => e.offset)).toEqual([3, 4, 5, 6, 7]);
    const rows = await eventsOf(s.ctx.db, wf);
    expect(rows.map((e) => e.processingStatus)).toEqual(['processed', 'failed', 'processed', 'processed', 'processed', 'processed', 'processed', 'processed']);
    expect(await projectionOf(s.ctx.db, wf)).toEqual(await foldOf(s.ctx.db, wf));
    // Past the last offset: nothing found, still a 200.
    const beyond = await replay(s, { workflow_id: wf, from_offset: 99 });
    expect(beyond).toMatchObject({ status: 200, body: { events_found: 0, events_to_rerun: 0 } });
  });

  it('skip_duplicates skips a repeat stored under another dedup key, and leaves it as it was', async () => {
    const wf = `wf-${randomUUID()}`;
    const run = strategyRun(wf, ['geo_audit'], { complete: false });
    // The same agent.completed at offset 2 again, with another event_id: a different dedup key, a semantic duplicate.
    const repeat = makeEvent({ workflow_id: wf, event_type: 'agent.completed', agent_id: 'geo_audit', offset: 2, execution_status: 'failure', error: 'late garbage' });
    const ids = await storeEvents(s, [...run, repeat]);
    await markFailed(s.ctx.db, ids);

    const dry = await replay(s, { workflow_id: wf, dry_run: true, replay_options: { skip_duplicates: true } });
    expect(dry.body).toMatchObject({ events_found: 4, events_to_rerun: 3, skip_reasons: { duplicate: 1 } });
    expect(entries(dry.body).find((e) => e.event_id === ids[3])).toMatchObject({ action: 'skip', skip_reason: 'duplicate', duplicate_of: ids[2] });

    const r = await replay(s, { workflow_id: wf, replay_options: { skip_duplicates: true } });
    expect(r.body).toMatchObject({ processing_summary: { successful_events: 3, skipped_events: 1 } });
    const rows = await eventsOf(s.ctx.db, wf);
    expect(rows[3]).toMatchObject({ processingStatus: 'failed', processingError: 'projection update failed: simulated outage' });
    expect((await projectionOf(s.ctx.db, wf))!.agents[0]).toMatchObject({ agentId: 'geo_audit', status: 'completed' });

    // Without it the repeat is applied too: the later arrival at the same offset wins.
    await replay(s, { workflow_id: wf });
    expect((await projectionOf(s.ctx.db, wf))!.agents[0]).toMatchObject({ status: 'failed', error: 'late garbage' });
    expect(await projectionOf(s.ctx.db, wf)).toEqual(await foldOf(s.ctx.db, wf));
  });

  it('max_events caps the re-runs; the rest are reported skipped and stay failed until the next replay', async () => {
    const wf = `wf-${randomUUID()}`;
    const ids = await storeEvents(s, strategyRun(wf, ['content_review', 'geo_audit']));
    await markFailed(s.ctx.db, ids);
    const r = await replay(s, { workflow_id: wf, replay_options: { max_events: 2 } });
    expect(r.body).toMatchObject({
      events_to_rerun: 2,
      events_to_skip: 4,
      skip_reasons: { over_max_events: 4 },
      processing_summary: { successful_events: 2, skipped_events: 4 },
    });
    expect(entries(r.body).slice(2).every((e) => e.skip_reason === 'over_max_events' && e.result === 'skipped')).toBe(true);
    expect((await eventsOf(s.ctx.db, wf)).map((e) => e.processingStatus)).toEqual(['processed', 'processed', 'failed', 'failed', 'failed', 'failed']);
    expect(await projectionOf(s.ctx.db, wf)).toEqual(await foldOf(s.ctx.db, wf));
    const rest = await replay(s, { workflow_id: wf });
    expect(rest.body).toMatchObject({ processing_summary: { successful_events: 4, skipped_events: 2 }, workflow: { status: 'completed' } });
  });

  it('accepts the sync_id of the force sync that started the workflow', async () => {
    const wf = `sim-wf-${randomUUID()}`;
    const ids = await storeEvents(s, strategyRun(wf, ['geo_audit']));
    await markFailed(s.ctx.db, [ids[0]!]);
    const syncId = randomUUID();
    const sync = { kind: 'force_sync', correlationId: 'force-sync-1-abc', caller: 'anonymous', input: {}, opalMode: 'simulator', createdAt: new Date() };
    await s.ctx.db.insert(syncRequests).values({ ...sync, syncId, status: 'triggered', opalWorkflowId: wf });
    const r = await replay(s, { workflow_id: syncId });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ workflow_id: wf, resolved_from: 'sync_id', sync_id: syncId, processing_summary: { successful_events: 1 } });
    // By the workflow id the same sync is named.
    expect((await replay(s, { workflow_id: wf, dry_run: true })).body).toMatchObject({ resolved_from: 'workflow_id', sync_id: syncId });

    const failedSync = randomUUID();
    await s.ctx.db.insert(syncRequests).values({ ...sync, syncId: failedSync, status: 'failed', opalWorkflowId: null });
    const none = await replay(s, { workflow_id: failedSync });
    expect(none.status).toBe(404);
    expect(none.body.message).toMatch(/started no Opal workflow/);
  });

  it('answers 404 for a workflow or sync id nobody knows, and records nothing', async () => {
    const before = await s.ctx.db.select({ n: sql<number>`count(*)::int` }).from(replays);
    for (const id of ['wf_does_not_exist', randomUUID()]) {
      const r = await replay(s, { workflow_id: id, dry_run: true });
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ success: false, error: 'Not Found', correlation_id: expect.any(String) });
    }
    expect(await s.ctx.db.select({ n: sql<number>`count(*)::int` }).from(replays)).toEqual(before);
  });

  it.each([
    ['no workflow_id', {}, 'workflow_id'],
    ['an empty workflow_id', { workflow_id: ' ' }, 'workflow_id'],
    ['a negative offset', { workflow_id: 'wf_123', from_offset: -1 }, 'from_offset'],
    ['a fractional offset', { workflow_id: 'wf_123', from_offset: 1.5 }, 'from_offset'],
    ['a text dry_run', { workflow_id: 'wf_123', dry_run: 'yes' }, 'dry_run'],
    ['max_events 0', { workflow_id: 'wf_123', replay_options: { max_events: 0 } }, 'replay_options.max_events'],
    ['max_events over 10,000', { workflow_id: 'wf_123', replay_options: { max_events: 10_001 } }, 'replay_options.max_events'],
    ['an unknown field', { workflow_id: 'wf_123', from_ofset: 2 }, 'from_ofset'],
    ['an unknown replay option', { workflow_id: 'wf_123', replay_options: { force: true } }, 'replay_options.force'],
  ])('refuses %s with 400 naming the field', async (_name, body, path) => {
    const r = await replay(s, body);
    expect(r.status).toBe(400);
    expect(fieldPaths(r.body)).toContain(path);
  });

  it('refuses malformed JSON with 400 and a non-JSON body with 415', async () => {
    expect((await replay(s, '{"workflow_id":')).status).toBe(400);
    const form = await call(s.url, '/api/orchestrations/replay', { body: 'workflow_id=wf_123', headers: { 'content-type': 'text/plain' } });
    expect(form.status).toBe(415);
  });

  it('writes every replay, dry run or not, to the audit log with who did it', async () => {
    const r = await replay(s, { workflow_id: 'wf_123' });
    await s.ctx.audit.flush();
    const rows = await s.ctx.db
      .select({ actor: auditLog.actor, action: auditLog.action, outcome: auditLog.outcome, target: auditLog.target, details: auditLog.details, correlationId: auditLog.correlationId })
      .from(auditLog)
      .where(eq(auditLog.action, 'replay'))
      .orderBy(desc(auditLog.at));
    const mine = rows.find((a) => (a.details as Json).replay_id === r.body.replay_id);
    expect(mine).toMatchObject({ actor: 'anonymous', action: 'replay', outcome: 'success', target: 'wf_123', correlationId: r.headers.get('x-correlation-id') });
    expect(mine!.details).toMatchObject({ dry_run: false, status: 'completed', processing_summary: { successful_events: 2 } });
    expect(rows.some((a) => (a.details as Json).dry_run === true)).toBe(true);
  });

  it('is safe with the projection worker running at the same time', async () => {
    const wf = `wf-${randomUUID()}`;
    const run = strategyRun(wf, ['content_review', 'geo_audit', 'audience_suggester', 'cmp_organizer']);
    const ids = await storeEvents(s, run.slice(0, 3));
    // Pending events while the worker runs, and replays racing it.
    await s.ctx.db.update(webhookEvents).set({ processingStatus: 'pending' }).where(inArray(webhookEvents.id, ids));
    const [a, b] = await Promise.all([
      replay(s, { workflow_id: wf, replay_options: { force_reprocess: true } }),
      replay(s, { workflow_id: wf }),
      (async () => {
        s.ctx.projections.notify();
        await storeEvents(s, run.slice(3));
      })(),
    ]);
    expect([a!.status, b!.status]).toEqual([200, 200]);
    await s.settle();
    const rows = await eventsOf(s.ctx.db, wf);
    expect(rows).toHaveLength(run.length);
    expect(rows.every((e) => e.processingStatus === 'processed')).toBe(true);
    expect(await projectionOf(s.ctx.db, wf)).toEqual(await foldOf(s.ctx.db, wf));
    expect((await projectionOf(s.ctx.db, wf))!.status).toBe('completed');
  });

  it('reports a rebuild that fails: those events marked failed with the reason, processed ones left processed', async () => {
    const wf = `wf-broken-${randomUUID()}`;
    const ids = await storeEvents(s, strategyRun(wf, ['geo_audit']));
    await markFailed(s.ctx.db, [ids[3]!]);
    // A projection table that refuses this one workflow, as a broken update would.
    await s.ctx.db.execute(
      sql.raw(`create or replace function replay_test_refuse() returns trigger language plpgsql as $$
        begin
          if new.workflow_id like 'wf-broken-%' then raise exception 'simulated projection fault'; end if;
          return new;
        end $$`),
    );
    await s.ctx.db.execute(
      sql.raw('create trigger replay_test_refuse before insert or update on workflows for each row execute function replay_test_refuse()'),
    );
    try {
      const r = await replay(s, { workflow_id: wf, replay_options: { force_reprocess: true } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'completed_with_failures', processing_summary: { successful_events: 0, failed_events: 4 } });
      expect(entries(r.body).every((e) => e.result === 'failed')).toBe(true);
      const rows = await eventsOf(s.ctx.db, wf);
      expect(rows.map((e) => e.processingStatus)).toEqual(['processed', 'processed', 'processed', 'failed']);
      expect(rows[3]!.processingError).toMatch(/^replay: projection update failed: .*simulated projection fault/);
      await s.ctx.audit.flush();
      const [audit] = await s.ctx.db
        .select({ outcome: auditLog.outcome })
        .from(auditLog)
        .where(and(eq(auditLog.action, 'replay'), eq(auditLog.target, wf)));
      expect(audit).toEqual({ outcome: 'failure' });
    } finally {
      await s.ctx.db.execute(sql.raw('drop trigger if exists replay_test_refuse on workflows'));
      await s.ctx.db.execute(sql.raw('drop function if exists replay_test_refuse()'));
    }
    const fixed = await replay(s, { workflow_id: wf });
    expect(fixed.body).toMatchObject({ status: 'completed', processing_summary: { successful_events: 1 } });
    expect(await projectionOf(s.ctx.db, wf)).toEqual(await foldOf(s.ctx.db, wf));
  });

  it('lists replays newest first for the console, and refuses a bad limit', async () => {
    const r = await call(s.url, '/api/orchestrations/replay?limit=2');
    expect(r.status).toBe(200);
    const list = r.body.replays as Json[];
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ replay_id: expect.any(String), kind: 'workflow', requested_by: 'anonymous', status: expect.any(String), summary: { processing_summary: expect.any(Object) } });
    expect(Date.parse(String(list[0]!.created_at))).toBeGreaterThanOrEqual(Date.parse(String(list[1]!.created_at)));
    expect((await call(s.url, '/api/orchestrations/replay?limit=0')).status).toBe(400);
    expect(fieldPaths((await call(s.url, '/api/orchestrations/replay?limit=abc')).body)).toContain('limit');
  });
});

describe.each(testDrivers)('replay roles on %s', (driver) => {
  let s: TestServer;
  const keys = {
    ops: 'ops-key-0123456789abcdef0123456789abcdef',
    viewer: 'viewer-key-0123456789abcdef0123456789abcdef',
  };
  beforeAll(async () => {
    s = await startTestServer(driver, {
      apiKeys: [
        { name: 'ops-team', role: 'operator', key: keys.ops },
        { name: 'dashboards', role: 'viewer', key: keys.viewer },
      ],
    });
  });
  afterAll(() => s?.stop());

  it('needs an operator: 401 without a key, 403 for a viewer, 200 with the name recorded as who replayed', async () => {
    await storeEvents(s, strategyRun('wf-roles', ['geo_audit']));
    const body = { workflow_id: 'wf-roles', dry_run: true };
    expect((await replay(s, body)).status).toBe(401);
    expect((await call(s.url, '/api/orchestrations/replay', { body, headers: { authorization: `Bearer ${keys.viewer}` } })).status).toBe(403);
    expect((await call(s.url, '/api/orchestrations/replay/bulk', { body: {}, headers: { authorization: `Bearer ${keys.viewer}` } })).status).toBe(403);
    const ok = await call(s.url, '/api/orchestrations/replay', { body, headers: { authorization: `Bearer ${keys.ops}` } });
    expect(ok.status).toBe(200);
    const [row] = await s.ctx.db.select({ requestedBy: replays.requestedBy }).from(replays).where(eq(replays.replayId, String(ok.body.replay_id)));
    expect(row).toEqual({ requestedBy: 'ops-team' });
    await s.ctx.audit.flush();
    const [audit] = await s.ctx.db.select({ actor: auditLog.actor }).from(auditLog).where(eq(auditLog.action, 'replay'));
    expect(audit).toEqual({ actor: 'ops-team' });
    // The history is a read: a viewer may see it.
    const list = await call(s.url, '/api/orchestrations/replay', { headers: { authorization: `Bearer ${keys.viewer}` } });
    expect(list.status).toBe(200);
    expect((list.body.replays as Json[])[0]).toMatchObject({ requested_by: 'ops-team' });
  });
});
