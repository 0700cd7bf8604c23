import { ACCESS } from '../../contracts/roles';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { and, asc, eq, gte, isNull, or } from 'drizzle-orm';
import type { ReplayEventEntry, ReplayWorkflowInput, ReplayWorkflowResult, SkipReason } from '../../contracts/replay';
import type { Outcome, ProcessingStatus } from '../../contracts/webhook-event';
import { webhookEvents, workflows } from '../../db/schema';
import { findReplayProblems } from './find-replay-problems';
import { planWorkflowReplay, type ReplayCandidate } from './plan-workflow-replay';
import { type ReapplyResult, reapplyWorkflowEvents } from './reapply-workflow-events';
import { closeReplayRecord, failReplayRecord, openReplayRecord, type ReplayRecord, requesterOf } from './record-replay';
import { requireReason } from './require-reason';
import { resolveReplayWorkflow } from './resolve-replay-workflow';

// The answer lists events one by one up to this many; the counts are always complete.
const MAX_LISTED_EVENTS = 500;

/**
 * Re-applies a workflow's stored events from `from_offset` to the
 * projections, in offset order (runbook section 5). Events without an offset
 * sort after all others, so they are always in range. A dry run changes
 * nothing but is recorded like any replay; it answers what would be re-run,
 * what skipped and why, and the problems of the log (offset gaps, unknown
 * agents). The real run goes through the projection worker's own path
 * (`reapplyWorkflowEvents`), so its result is the fold of the processed
 * events and replaying twice changes nothing.
 */
export const replayWorkflow = defineVerb({
  action: 'replay.workflow',
  access: ACCESS.operate,
  run: async function replayWorkflow({
    ctx,
    input,
  }: {
    ctx: ActorCtx;
    input: ReplayWorkflowInput;
  }): Promise<ReplayWorkflowResult> {
    const started = performance.now();
    const request = input;
    const reason = request.dry_run ? (request.reason ?? null) : requireReason(request.reason);
    const options = request.replay_options;
    const target = await resolveReplayWorkflow({ ctx, input: { id: request.workflow_id } });

    const rows = await ctx.db
      .select({
        id: webhookEvents.id,
        seq: webhookEvents.seq,
        offset: webhookEvents.eventOffset,
        eventType: webhookEvents.eventType,
        agentId: webhookEvents.agentId,
        knownAgent: webhookEvents.knownAgent,
        processingStatus: webhookEvents.processingStatus,
        outcome: webhookEvents.outcome,
      })
      .from(webhookEvents)
      .where(
        and(
          eq(webhookEvents.workflowId, target.workflowId),
          or(gte(webhookEvents.eventOffset, request.from_offset), isNull(webhookEvents.eventOffset)),
        ),
      )
      .orderBy(asc(webhookEvents.eventOffset), asc(webhookEvents.seq));
    const events: ReplayCandidate[] = rows.map((r) => ({
      ...r,
      processingStatus: r.processingStatus as ProcessingStatus,
      outcome: r.outcome as Outcome,
    }));
    const plan = planWorkflowReplay(events, options);
    const problems = findReplayProblems(events, request.from_offset);
    const rerunIds = plan.filter((p) => p.action === 'rerun').map((p) => p.event.id);

    const record: ReplayRecord = {
      replayId: randomUUID(),
      kind: 'workflow',
      requester: requesterOf(ctx),
      workflowId: target.workflowId,
      filter: { requested_id: request.workflow_id, from_offset: request.from_offset, replay_options: options },
      dryRun: request.dry_run,
      reason,
    };
    await openReplayRecord(ctx, record);
    let result: ReapplyResult | null = null;
    try {
      if (!request.dry_run) {
        result = await reapplyWorkflowEvents({
          ctx,
          input: {
            workflowId: target.workflowId,
            eventIds: rerunIds,
            onlyIfStatusIn: options.force_reprocess ? null : ['pending', 'failed'],
          },
        });
      }
    } catch (e) {
      await failReplayRecord(ctx, record, storedSummary(events.length, rerunIds.length, problems.length, 0, 0, 0, started), e);
      throw e;
    }

    const outcomeOf = outcomes(result);
    const entries: ReplayEventEntry[] = plan.map((p) => {
      const r = outcomeOf.get(p.event.id);
      return {
        event_id: p.event.id,
        offset: p.event.offset,
        event_type: p.event.eventType,
        agent_id: p.event.agentId,
        processing_status: p.event.processingStatus,
        outcome: p.event.outcome,
        action: p.action,
        // The worker processed it between our read and our lock.
        skip_reason: r?.result === 'skipped' ? 'already_processed' : p.skipReason,
        duplicate_of: p.duplicateOf,
        result: request.dry_run ? null : (r?.result ?? 'skipped'),
        error: r?.error ?? null,
      };
    });
    const skipReasons: Record<SkipReason, number> = { already_processed: 0, duplicate: 0, over_max_events: 0, no_longer_matching: 0 };
    for (const e of entries) if (e.skip_reason) skipReasons[e.skip_reason]++;

    const successful = result?.processed.length ?? 0;
    const failed = result?.failed.length ?? 0;
    const toSkip = events.length - rerunIds.length;
    const skipped = request.dry_run ? toSkip : events.length - successful - failed;
    const status = request.dry_run ? 'dry_run' : failed > 0 ? 'completed_with_failures' : 'completed';
    const [workflow] = await ctx.db
      .select({ status: workflows.status, eventCount: workflows.eventCount, error: workflows.error })
      .from(workflows)
      .where(eq(workflows.workflowId, target.workflowId));
    const summary = storedSummary(events.length, rerunIds.length, problems.length, successful, failed, skipped, started);
    await closeReplayRecord(ctx, { ...record, status, summary });

    return {
      replay_id: record.replayId,
      kind: 'workflow',
      status,
      dry_run: request.dry_run,
      workflow_id: target.workflowId,
      resolved_from: target.resolvedFrom,
      sync_id: target.syncId,
      from_offset: request.from_offset,
      replay_options: options,
      events_found: events.length,
      events_to_rerun: rerunIds.length,
      events_to_skip: toSkip,
      skip_reasons: skipReasons,
      problems,
      events: entries.slice(0, MAX_LISTED_EVENTS),
      events_truncated: entries.length > MAX_LISTED_EVENTS,
      processing_summary: summary.processing_summary,
      workflow: workflow ? { status: workflow.status, event_count: workflow.eventCount, error: workflow.error } : null,
    };
  },
});

function outcomes(result: ReapplyResult | null): Map<string, { result: 'processed' | 'failed' | 'skipped'; error: string | null }> {
  const m = new Map<string, { result: 'processed' | 'failed' | 'skipped'; error: string | null }>();
  if (!result) return m;
  for (const id of result.processed) m.set(id, { result: 'processed', error: null });
  for (const id of result.failed) m.set(id, { result: 'failed', error: result.error });
  for (const id of result.noLongerMatching) m.set(id, { result: 'skipped', error: null });
  return m;
}

function storedSummary(found: number, toRerun: number, problemCount: number, successful: number, failed: number, skipped: number, started: number) {
  return {
    events_found: found,
    events_to_rerun: toRerun,
    problem_count: problemCount,
    processing_summary: {
      successful_events: successful,
      failed_events: failed,
      skipped_events: skipped,
      processing_time_ms: Math.round(performance.now() - started),
    },
  };
}
