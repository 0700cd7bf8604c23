import { performance } from 'node:perf_hooks';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ProcessingStatus } from '../../contracts/webhook-event';
import { databaseMessageOf, isDatabaseUnavailable } from '../../db/db-errors';
import { webhookEvents } from '../../db/schema';
import type { Ctx } from '../context';
import { rebuildWorkflowProjection } from '../workflows/rebuild-workflow-projection';

export interface ReapplyInput {
  workflowId: string;
  eventIds: readonly string[];
  /** Re-run an event only if, once locked, it is still in one of these states; null: whatever its state. */
  onlyIfStatusIn: readonly ProcessingStatus[] | null;
}

export interface ReapplyResult {
  processed: string[];
  failed: string[];
  /** No longer in a selected state once locked (the projection worker got there first). */
  noLongerMatching: string[];
  error: string | null;
}

/**
 * Re-applies some of one workflow's events to the projections, the way the
 * projection worker does (same status update, same rebuild under the
 * per-workflow advisory lock), in one transaction. The rows are locked
 * FOR UPDATE first and their state re-checked, so an event the worker has
 * claimed is waited for, not processed twice; rows are locked before the
 * advisory lock is taken, which keeps the lock order of the worker and no
 * deadlock is possible. Only the processing columns change: never outcome,
 * received_at or payload. `processing_ms` is the replay's own time for the
 * workflow, so a replay days later does not pass for days of pipeline
 * latency. A failed rebuild marks failed only the events that were not
 * already processed: the projection still reflects those, so replay never
 * makes an event's state worse.
 */
export async function reapplyWorkflowEvents({ ctx, input }: { ctx: Ctx; input: ReapplyInput }): Promise<ReapplyResult> {
  if (input.eventIds.length === 0) return { processed: [], failed: [], noLongerMatching: [], error: null };
  return ctx.db.transaction(async (tx) => {
    const locked = await tx
      .select({ id: webhookEvents.id, processingStatus: webhookEvents.processingStatus })
      .from(webhookEvents)
      .where(
        and(
          eq(webhookEvents.workflowId, input.workflowId),
          inArray(webhookEvents.id, [...input.eventIds]),
          input.onlyIfStatusIn ? inArray(webhookEvents.processingStatus, [...input.onlyIfStatusIn]) : undefined,
        ),
      )
      .orderBy(asc(webhookEvents.seq))
      .for('update');
    const ids = locked.map((r) => r.id);
    const lockedIds = new Set(ids);
    const noLongerMatching = input.eventIds.filter((id) => !lockedIds.has(id));
    if (ids.length === 0) return { processed: [], failed: [], noLongerMatching, error: null };

    const now = new Date(ctx.now());
    const started = performance.now();
    try {
      await tx.transaction(async (sp) => {
        await sp
          .update(webhookEvents)
          .set({ processingStatus: 'processed', processingError: null, processedAt: now })
          .where(inArray(webhookEvents.id, ids));
        await rebuildWorkflowProjection(sp, input.workflowId, { now, timeoutMin: ctx.config.opal.workflowTimeoutMin });
        await sp
          .update(webhookEvents)
          .set({ processingMs: Math.round(performance.now() - started) })
          .where(inArray(webhookEvents.id, ids));
      });
      return { processed: ids, failed: [], noLongerMatching, error: null };
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw e;
      const error = `replay: projection update failed: ${databaseMessageOf(e)}`.slice(0, 2000);
      const notProcessed = locked.filter((r) => r.processingStatus !== 'processed').map((r) => r.id);
      if (notProcessed.length > 0) {
        await tx
          .update(webhookEvents)
          .set({ processingStatus: 'failed', processingError: error, processedAt: now })
          .where(inArray(webhookEvents.id, notProcessed));
      }
      ctx.logger.warn({ err: e, workflowId: input.workflowId }, 'replay could not rebuild a workflow projection');
      return { processed: [], failed: ids, noLongerMatching, error };
    }
  });
}
