import { type ActorCtx, defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { and, asc, gt, inArray, lt, sql } from 'drizzle-orm';
import type { CleanupResult } from '../../contracts/diagnostics';
import { agentRuns, hourlyRollups, httpRequestRollups, idempotencyKeys, webhookEvents, webhookRejections, workflows } from '../../db/schema';
import { IDEMPOTENCY_TTL_MS } from '../idempotency/with-idempotency';
import type { Ctx } from '../context';
import { requireReason } from '../replay/require-reason';
import { WORKFLOW_LOCK_SPACE } from '../workflows/rebuild-workflow-projection';

const DAY_MS = 86_400_000;
/** Rows per DELETE statement: each one is short, so the log is never locked for long. */
export const CLEANUP_BATCH_SIZE = 5_000;
/** Workflows per transaction (about 20 events each for strategy_workflow). */
const WORKFLOWS_PER_TRANSACTION = 250;
const FINISHED = ['completed', 'failed', 'timed_out'];

export interface CleanupOldEventsInput {
  /** Absent: RETENTION_DAYS. */
  retentionDays?: number | undefined;
  /** Who asked: an API key or user name, or `system:retention` for the daily job. */
  actor: string;
  trigger: 'request' | 'schedule';
  /** Why: the requester's, or the schedule's own. Kept in the audit entry. */
  reason: string;
  correlationId?: string | undefined;
  sourceIp?: string | undefined;
  /** Tests make it small to exercise several batches. */
  batchSize?: number;
}

/**
 * Deletes the log of workflows that finished before the cutoff, and refusals
 * older than it (rules in ./README.md). A workflow's log goes as a whole or
 * not at all, so a replay never rebuilds a truncated state; every DELETE is
 * bounded to `batchSize` rows. Written to the audit log either way.
 */
export async function cleanupOldEvents({ ctx, input }: { ctx: Ctx; input: CleanupOldEventsInput }): Promise<CleanupResult> {
  const batchSize = input.batchSize ?? CLEANUP_BATCH_SIZE;
  const retentionDays = input.retentionDays ?? ctx.config.retentionDays;
  const cutoff = new Date(ctx.now() - retentionDays * DAY_MS);
  const result: CleanupResult = {
    deleted_events: 0,
    deleted_rejections: 0,
    deleted_aggregates: 0,
    deleted_workflows: 0,
    batches: 0,
    retention_days: retentionDays,
    cutoff: cutoff.toISOString(),
  };
  const audit = (outcome: 'success' | 'failure', extra: Record<string, unknown> = {}) =>
    ctx.audit.record({
      actor: input.actor,
      action: 'retention.cleanup',
      outcome,
      target: 'webhook_events',
      details: { ...result, trigger: input.trigger, reason: input.reason, ...extra },
      sourceIp: input.sourceIp,
      correlationId: input.correlationId,
    });

  try {
    await deleteFinishedWorkflows(ctx, cutoff, batchSize, result);
    await deleteOldRejections(ctx, cutoff, batchSize, result);
    await deleteOldAggregates(ctx, retentionDays, result);
  } catch (e) {
    // What was committed before the failure stays deleted: the audit says how much.
    audit('failure', { error: e instanceof Error ? e.message.slice(0, 500) : String(e) });
    throw e;
  }
  audit('success');
  ctx.logger.info({ retention: result, actor: input.actor }, 'retention cleanup finished');
  return result;
}

/**
 * Eligible: finished (completed, failed, timed out), last event received
 * before the cutoff, nothing pending and nothing received since the cutoff.
 * Arrival times only: a finish time comes from the sender's clock.
 */
const eligible = (cutoff: Date) =>
  and(
    inArray(workflows.status, FINISHED),
    lt(workflows.lastEventAt, cutoff),
    sql`not exists (select 1 from webhook_events ev where ev.workflow_id = ${workflows.workflowId}
      and (ev.received_at >= ${cutoff.toISOString()}::timestamptz or ev.processing_status = 'pending'))`,
  );

async function deleteFinishedWorkflows(ctx: Ctx, cutoff: Date, batchSize: number, result: CleanupResult): Promise<void> {
  // Keyset over workflow ids: one pass, and a workflow skipped now is simply left for the next run.
  let after = '';
  for (;;) {
    const candidates = await ctx.db
      .select({ workflowId: workflows.workflowId })
      .from(workflows)
      .where(and(gt(workflows.workflowId, after), eligible(cutoff)))
      .orderBy(asc(workflows.workflowId))
      .limit(WORKFLOWS_PER_TRANSACTION);
    if (candidates.length === 0) return;
    after = candidates.at(-1)!.workflowId;
    const ids = candidates.map((c) => c.workflowId);

    const done = await ctx.db.transaction(async (tx) => {
      const none = { events: 0, batches: 0, workflows: 0 };
      // A projection rebuild holds this lock while it folds the log; one in progress is skipped, not waited for.
      const locked = await tx
        .select({ workflowId: workflows.workflowId })
        .from(workflows)
        .where(and(inArray(workflows.workflowId, ids), sql`pg_try_advisory_xact_lock(${WORKFLOW_LOCK_SPACE}::int, hashtext(${workflows.workflowId}))`));
      if (locked.length === 0) return none;
      // Checked again under the lock: an event may have arrived since the candidates were read.
      const still = await tx
        .select({ workflowId: workflows.workflowId })
        .from(workflows)
        .where(and(inArray(workflows.workflowId, locked.map((l) => l.workflowId)), eligible(cutoff)));
      if (still.length === 0) return none;
      const doomed = still.map((s) => s.workflowId);

      let events = 0;
      let batches = 0;
      for (;;) {
        // Never an event younger than the cutoff, and never one a worker holds.
        const chunk = tx
          .select({ id: webhookEvents.id })
          .from(webhookEvents)
          .where(and(inArray(webhookEvents.workflowId, doomed), lt(webhookEvents.receivedAt, cutoff)))
          .limit(batchSize)
          .for('update', { skipLocked: true });
        const deleted = await tx.delete(webhookEvents).where(inArray(webhookEvents.id, chunk)).returning({ id: webhookEvents.id });
        if (deleted.length > 0) batches += 1;
        events += deleted.length;
        if (deleted.length < batchSize) break;
      }
      // Projection rows go only with the last of their events.
      const logGone = sql`not exists (select 1 from webhook_events ev where ev.workflow_id = ${workflows.workflowId})`;
      const gone = await tx
        .delete(workflows)
        .where(and(inArray(workflows.workflowId, doomed), logGone))
        .returning({ workflowId: workflows.workflowId });
      if (gone.length > 0) {
        await tx.delete(agentRuns).where(
          inArray(
            agentRuns.workflowId,
            gone.map((g) => g.workflowId),
          ),
        );
      }
      return { events, batches, workflows: gone.length };
    });
    // Counted once committed.
    result.deleted_events += done.events;
    result.batches += done.batches;
    result.deleted_workflows += done.workflows;
  }
}

async function deleteOldRejections(ctx: Ctx, cutoff: Date, batchSize: number, result: CleanupResult): Promise<void> {
  for (;;) {
    const chunk = ctx.db
      .select({ id: webhookRejections.id })
      .from(webhookRejections)
      .where(lt(webhookRejections.receivedAt, cutoff))
      .limit(batchSize);
    const deleted = await ctx.db.delete(webhookRejections).where(inArray(webhookRejections.id, chunk)).returning({ id: webhookRejections.id });
    if (deleted.length > 0) result.batches += 1;
    result.deleted_rejections += deleted.length;
    if (deleted.length < batchSize) return;
  }
}

// The metrics job keeps 32 days of hourly rollups; a day of margin so that
// cleanup never deletes an hour the job would roll again.
const ROLLUP_WINDOW_DAYS = 33;

/** Metric aggregates past retention, and Idempotency-Key records past their 24 hours. */
async function deleteOldAggregates(ctx: Ctx, retentionDays: number, result: CleanupResult): Promise<void> {
  const cutoff = new Date(ctx.now() - Math.max(retentionDays, ROLLUP_WINDOW_DAYS) * DAY_MS);
  const hours = await ctx.db.delete(hourlyRollups).where(lt(hourlyRollups.hour, cutoff)).returning({ h: hourlyRollups.hour });
  const minutes = await ctx.db.delete(httpRequestRollups).where(lt(httpRequestRollups.minute, cutoff)).returning({ m: httpRequestRollups.minute });
  const keys = await ctx.db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(ctx.now() - IDEMPOTENCY_TTL_MS)))
    .returning({ k: idempotencyKeys.key });
  result.deleted_aggregates += hours.length + minutes.length + keys.length;
}

/** `cleanup_old_events` asked for by a person or an API key (the daily job calls cleanupOldEvents itself). */
export const requestCleanup = defineVerb({
  action: 'diagnostics.cleanup_old_events',
  access: ACCESS.admin,
  run: ({ ctx, input }: { ctx: ActorCtx; input: { retentionDays?: number | undefined; reason?: string | undefined } }) =>
    cleanupOldEvents({
      ctx,
      input: {
        retentionDays: input.retentionDays,
        reason: requireReason(input.reason),
        actor: ctx.actor.name,
        trigger: 'request',
        correlationId: ctx.correlationId,
        sourceIp: ctx.sourceIp,
      },
    }),
});
