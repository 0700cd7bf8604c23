import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, replays, webhookEvents } from '../../db/schema';
import { eventsOf, foldOf, immutable, markFailed, projectionOf, storeEvents, strategyRun } from '../../test-support/replay-test-fixtures';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent } from '../../test-support/webhook-client';

interface Json {
  [k: string]: unknown;
}
async function bulk(s: TestServer, body: unknown) {
  const res = await fetch(`${s.url}/api/orchestrations/replay/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}
/** A real run: 202 with the queued job; the worker runs it; its final state as GET shows it. */
async function bulkJob(s: TestServer, body: Json) {
  const accepted = await bulk(s, body);
  expect(accepted.status).toBe(202);
  await s.ctx.replayJobs.runUntilIdle();
  const res = await fetch(String(accepted.body.status_url).replace(s.config.baseUrl, s.url));
  return { accepted: accepted.body, job: (await res.json()) as Json };
}
const fieldPaths = (body: Json) => ((body.details as { field_errors?: { path: string }[] } | undefined)?.field_errors ?? []).map((f) => f.path);

describe.each(testDrivers)('POST /api/orchestrations/replay/bulk on %s', (driver) => {
  let s: TestServer;
  const wfA = `wf-a-${randomUUID()}`;
  const wfB = `wf-b-${randomUUID()}`;
  const wfC = `wf-c-${randomUUID()}`;
  let a: string[];
  let b: string[];
  let reported: string;

  beforeAll(async () => {
    s = await startTestServer(driver);
    a = await storeEvents(s, strategyRun(wfA, ['content_review', 'geo_audit']));
    b = await storeEvents(s, strategyRun(wfB, ['geo_audit']));
    // A failure Opal reported, processed fine: not a processing failure.
    [reported] = await storeEvents(s, [makeEvent({ workflow_id: wfC, event_type: 'agent.failed', agent_id: 'cmp_organizer', offset: 0, error: 'Opal says no' })]) as [string];
    await s.ctx.db.update(webhookEvents).set({ receivedAt: new Date('2024-01-15T10:00:00Z') }).where(eq(webhookEvents.workflowId, wfA));
    await s.ctx.db.update(webhookEvents).set({ receivedAt: new Date('2024-01-16T10:00:00Z') }).where(eq(webhookEvents.workflowId, wfB));
    await markFailed(s.ctx.db, [a[2]!, a[4]!, b[2]!, b[3]!]);
  });
  afterAll(() => s?.stop());

  it('dry run: counts the processing failures (not reported ones), samples them, and changes nothing', async () => {
    const before = [await eventsOf(s.ctx.db, wfA), await eventsOf(s.ctx.db, wfB)];
    const r = await bulk(s, { dry_run: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      kind: 'bulk',
      status: 'dry_run',
      filter: { status: 'failed' },
      max_events: 500,
      events_matched: 4,
      events_selected: 4,
      events_over_cap: 0,
      workflows_affected: 2,
      workflows: [],
      processing_summary: { successful_events: 0, failed_events: 0, skipped_events: 0 },
    });
    const sample = r.body.sample as Json[];
    expect(sample.map((e) => e.event_id)).toEqual([a[2], a[4], b[2], b[3]]);
    expect(sample[0]).toMatchObject({ workflow_id: wfA, processing_status: 'failed', processing_error: 'projection update failed: simulated outage', outcome: 'success' });
    expect(sample.some((e) => e.event_id === reported)).toBe(false);
    expect([await eventsOf(s.ctx.db, wfA), await eventsOf(s.ctx.db, wfB)]).toEqual(before);
  });

  it.each([
    ['an agent', { agent_id: 'geo_audit' }, 2],
    ['an event type', { event_type: 'workflow.completed' }, 1],
    ['a time range', { start_date: '2024-01-15T00:00:00Z', end_date: '2024-01-15T23:59:59Z' }, 2],
    ['a time range with an offset', { start_date: '2024-01-16T11:00:00+02:00' }, 2],
    ['reported failures, with status any', { status: 'any', event_type: 'agent.failed' }, 1],
  ])('filters by %s', async (_name, filter, count) => {
    const r = await bulk(s, { filter, dry_run: true });
    expect(r.status).toBe(200);
    expect(r.body.events_matched).toBe(count);
  });

  it('caps a real run at max_events (oldest first), rebuilding each workflow once, equal to its fold', async () => {
    const before = await eventsOf(s.ctx.db, wfA);
    const r = await bulkJob(s, { max_events: 3 });
    expect(r.accepted).toMatchObject({ job: { state: 'queued', matched: 4, selected: 3, over_cap: 1, workflows_total: 2, done: 0 } });
    expect(r.job).toMatchObject({
      state: 'completed',
      matched: 4,
      selected: 3,
      over_cap: 1,
      workflows_total: 2,
      workflows_done: 2,
      done: 3,
      failed: 0,
      skipped: 0,
      failures: [],
    });
    const rowsB = await eventsOf(s.ctx.db, wfB);
    expect(rowsB.map((e) => e.processingStatus)).toEqual(['processed', 'processed', 'processed', 'failed']);
    expect(immutable(await eventsOf(s.ctx.db, wfA))).toEqual(immutable(before));
    expect((await projectionOf(s.ctx.db, wfA))!.status).toBe('completed');
    for (const wf of [wfA, wfB]) expect(await projectionOf(s.ctx.db, wf)).toEqual(await foldOf(s.ctx.db, wf));

    const rest = await bulkJob(s, {});
    expect(rest.job).toMatchObject({ matched: 1, done: 1 });
    expect((await projectionOf(s.ctx.db, wfB))!.status).toBe('completed');
  });

  it('replays explicit event ids: one event from its detail page, whatever it reported', async () => {
    // Processed already: the default (processing failures) selects nothing, which is not an error.
    const none = await bulkJob(s, { filter: { event_ids: [reported] } });
    expect(none.job).toMatchObject({ matched: 0, selected: 0, state: 'completed' });
    const r = await bulkJob(s, { filter: { event_ids: [reported], status: 'any' } });
    expect(r.job).toMatchObject({ selected: 1, done: 1, unknown_event_ids: [] });
    const [row] = await s.ctx.db
      .select({ outcome: webhookEvents.outcome, outcomeError: webhookEvents.outcomeError, processingStatus: webhookEvents.processingStatus })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, reported));
    expect(row).toEqual({ outcome: 'failure', outcomeError: 'Opal says no', processingStatus: 'processed' });

    const missing = randomUUID();
    const mixed = await bulk(s, { filter: { event_ids: [reported, missing], status: 'any' }, dry_run: true });
    expect(mixed.body).toMatchObject({ events_matched: 1, unknown_event_ids: [missing] });
    const unknown = await bulk(s, { filter: { event_ids: [missing] } });
    expect(unknown.status).toBe(404);
  });

  it('records each bulk replay with its filter, and audits it with who did it', async () => {
    const r = await bulk(s, { filter: { agent_id: 'geo_audit', status: 'unprocessed' }, dry_run: true, max_events: 10 });
    const [row] = await s.ctx.db
      .select({ kind: replays.kind, workflowId: replays.workflowId, filter: replays.filter, dryRun: replays.dryRun, requestedBy: replays.requestedBy })
      .from(replays)
      .where(eq(replays.replayId, String(r.body.replay_id)));
    expect(row).toEqual({ kind: 'bulk', workflowId: null, filter: { agent_id: 'geo_audit', status: 'unprocessed', max_events: 10 }, dryRun: true, requestedBy: 'anonymous' });
    await s.ctx.audit.flush();
    const audits = await s.ctx.db
      .select({ actor: auditLog.actor, outcome: auditLog.outcome, target: auditLog.target, details: auditLog.details })
      .from(auditLog)
      .where(inArray(auditLog.action, ['replay.bulk']));
    expect(audits.find((x) => (x.details as Json).replay_id === r.body.replay_id)).toMatchObject({ actor: 'anonymous', outcome: 'success', target: 'bulk' });
    expect(audits.length).toBeGreaterThanOrEqual(5);
    const list = await fetch(`${s.url}/api/orchestrations/replay?limit=1`).then((x) => x.json() as Promise<{ replays: Json[] }>);
    expect(list.replays[0]).toMatchObject({ replay_id: r.body.replay_id, kind: 'bulk', dry_run: true, status: 'dry_run' });
  });

  it.each([
    ['an invalid date', { filter: { start_date: 'yesterday' } }, 'filter.start_date'],
    ['an impossible date', { filter: { end_date: '2024-02-30T00:00:00Z' } }, 'filter.end_date'],
    ['a date without a time zone', { filter: { start_date: '2024-01-15T00:00:00' } }, 'filter.start_date'],
    ['an end before the start', { filter: { start_date: '2024-01-16T00:00:00Z', end_date: '2024-01-15T00:00:00Z' } }, 'filter.end_date'],
    ['max_events 0', { max_events: 0 }, 'max_events'],
    ['max_events over 5,000', { max_events: 5001 }, 'max_events'],
    ['an unknown status', { filter: { status: 'reported' } }, 'filter.status'],
    ['an unknown event type', { filter: { event_type: 'agent.exploded' } }, 'filter.event_type'],
    ['an event id that is not one', { filter: { event_ids: ['evt-1'] } }, 'filter.event_ids.0'],
    ['no event ids', { filter: { event_ids: [] } }, 'filter.event_ids'],
    ['over 500 event ids', { filter: { event_ids: Array.from({ length: 501 }, () => randomUUID()) } }, 'filter.event_ids'],
    ['an unknown filter field', { filter: { workflow: 'x' } }, 'filter.workflow'],
    ['an unknown field', { dryrun: true }, 'dryrun'],
  ])('refuses %s with 400 naming the field', async (_name, body, path) => {
    const r = await bulk(s, body);
    expect(r.status).toBe(400);
    expect(fieldPaths(r.body)).toContain(path);
  });
});
