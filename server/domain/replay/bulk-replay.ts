import { ACCESS } from '../../contracts/roles';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { and, asc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { BulkReplayAccepted, BulkReplayFilter, BulkReplayInput, BulkReplayResult } from '../../contracts/replay';
import type { Outcome, ProcessingStatus } from '../../contracts/webhook-event';
import { webhookEvents } from '../../db/schema';
import { notFound } from '../errors';
import { enqueueBulkReplayJob } from './bulk-replay-jobs';
import { readBulkReplayJob } from './get-bulk-replay-job';
import { closeReplayRecord, openReplayRecord, type ReplayRecord, requesterOf } from './record-replay';
import { requireReason } from './require-reason';

const SAMPLE_SIZE = 20;

/** The processing states each `filter.status` selects (null: any). */
const STATES_OF: Record<BulkReplayFilter['status'], ProcessingStatus[] | null> = {
  failed: ['failed'],
  unprocessed: ['failed', 'pending'],
  any: null,
};

function whereOf(f: BulkReplayFilter): SQL | undefined {
  const states = STATES_OF[f.status];
  return and(
    states ? inArray(webhookEvents.processingStatus, states) : undefined,
    f.start_date ? gte(webhookEvents.receivedAt, new Date(f.start_date)) : undefined,
    f.end_date ? lte(webhookEvents.receivedAt, new Date(f.end_date)) : undefined,
    f.event_type ? eq(webhookEvents.eventType, f.event_type) : undefined,
    f.agent_id ? eq(webhookEvents.agentId, f.agent_id) : undefined,
    f.event_ids ? inArray(webhookEvents.id, f.event_ids) : undefined,
  );
}

/**
 * Replays the stored events a filter selects, across workflows: by default
 * the processing failures (never events that merely *report* a failure,
 * which replay cannot change), in a time range, of one event type or agent,
 * or explicit event ids (the console's Replay button on one event). At most
 * `max_events` are taken, oldest first; the rest are counted as over the
 * cap. A dry run answers the count and a sample, at once. The real run is
 * a job (./bulk-replay-worker.ts): the selection is fixed now, grouped by
 * workflow, and each workflow is rebuilt once, in its own transaction (a
 * batch), so one broken workflow does not hold back the others and a cancel
 * takes effect between two. The answer is the queued job.
 */
export const bulkReplay = defineVerb({
  action: 'replay.bulk',
  access: ACCESS.operate,
  run: async function bulkReplay({
    ctx,
    input,
  }: {
    ctx: ActorCtx;
    input: BulkReplayInput;
  }): Promise<BulkReplayResult | BulkReplayAccepted> {
    const started = performance.now();
    const request = input;
    const reason = request.dry_run ? (request.reason ?? null) : requireReason(request.reason);
    const { filter } = request;
    const where = whereOf(filter);

    let unknownEventIds: string[] = [];
    if (filter.event_ids) {
      const stored = await ctx.db.select({ id: webhookEvents.id }).from(webhookEvents).where(inArray(webhookEvents.id, filter.event_ids));
      const known = new Set(stored.map((r) => r.id));
      unknownEventIds = [...new Set(filter.event_ids)].filter((id) => !known.has(id));
      if (known.size === 0) throw notFound(`No stored event ${filter.event_ids.length === 1 ? filter.event_ids[0] : 'with any of these ids'}.`);
    }
    const [counted] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(webhookEvents).where(where);
    const matched = counted?.n ?? 0;
    const selected = await ctx.db
      .select({
        id: webhookEvents.id,
        workflowId: webhookEvents.workflowId,
        eventType: webhookEvents.eventType,
        agentId: webhookEvents.agentId,
        offset: webhookEvents.eventOffset,
        receivedAt: webhookEvents.receivedAt,
        processingStatus: webhookEvents.processingStatus,
        processingError: webhookEvents.processingError,
        outcome: webhookEvents.outcome,
      })
      .from(webhookEvents)
      .where(where)
      .orderBy(asc(webhookEvents.seq))
      .limit(request.max_events);
    const overCap = Math.max(0, matched - selected.length);
    const byWorkflow = new Map<string, string[]>();
    for (const e of selected) {
      const ids = byWorkflow.get(e.workflowId);
      if (ids) ids.push(e.id);
      else byWorkflow.set(e.workflowId, [e.id]);
    }

    const record: ReplayRecord = {
      replayId: randomUUID(),
      kind: 'bulk',
      requester: requesterOf(ctx),
      workflowId: null,
      filter: { ...filter, max_events: request.max_events },
      dryRun: request.dry_run,
      reason,
    };
    if (!request.dry_run) {
      // Sorted, as the projection worker takes workflow locks: the job's batches, in order.
      const plan = [...byWorkflow.keys()].sort().map((workflowId) => ({ workflow_id: workflowId, event_ids: byWorkflow.get(workflowId)! }));
      await ctx.db.transaction(async (tx) => {
        const txCtx = { ...ctx, db: tx };
        await openReplayRecord(txCtx, record);
        await enqueueBulkReplayJob(txCtx, {
          jobId: record.replayId,
          plan,
          onlyIfStatusIn: STATES_OF[filter.status],
          matched,
          selected: selected.length,
          overCap,
          unknownEventIds,
        });
      });
      ctx.replayJobs.kick();
      const job = (await readBulkReplayJob(ctx, record.replayId))!;
      return { job_id: job.job_id, status_url: job.status_url, job };
    }
    await openReplayRecord(ctx, record);
    const status = 'dry_run';
    const stored = {
      events_found: matched,
      events_to_rerun: selected.length,
      workflows_affected: byWorkflow.size,
      processing_summary: { successful_events: 0, failed_events: 0, skipped_events: overCap, processing_time_ms: Math.round(performance.now() - started) },
    };
    await closeReplayRecord(ctx, { ...record, status, summary: stored });
    return {
      replay_id: record.replayId,
      kind: 'bulk',
      status,
      dry_run: true,
      filter,
      max_events: request.max_events,
      events_matched: matched,
      events_selected: selected.length,
      events_over_cap: overCap,
      workflows_affected: byWorkflow.size,
      unknown_event_ids: unknownEventIds,
      sample: selected.slice(0, SAMPLE_SIZE).map((e) => ({
        event_id: e.id,
        workflow_id: e.workflowId,
        event_type: e.eventType,
        agent_id: e.agentId,
        offset: e.offset,
        received_at: e.receivedAt.toISOString(),
        processing_status: e.processingStatus as ProcessingStatus,
        processing_error: e.processingError,
        outcome: e.outcome as Outcome,
      })),
      workflows: [],
      skip_reasons: { already_processed: 0, duplicate: 0, over_max_events: overCap, no_longer_matching: 0 },
      processing_summary: stored.processing_summary,
    };
  },
});
