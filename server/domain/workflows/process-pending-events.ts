import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { databaseMessageOf, isDatabaseUnavailable } from '../../db/db-errors';
import { webhookEvents } from '../../db/schema';
import { rebuildWorkflowProjection } from './rebuild-workflow-projection';

/**
 * Applies a batch of pending events to the projections. Claimed with
 * FOR UPDATE SKIP LOCKED, so several workers (or processes) share the log
 * without taking the same event twice. A workflow whose update fails has its
 * events marked `failed` with the reason (replay re-runs them); nothing is
 * dropped. Returns how many events were claimed.
 */
export async function processPendingEvents(
  db: Db,
  opts: { now: Date; timeoutMin: number; batchSize: number },
): Promise<number> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .select({ id: webhookEvents.id, workflowId: webhookEvents.workflowId })
      .from(webhookEvents)
      .where(eq(webhookEvents.processingStatus, 'pending'))
      .orderBy(asc(webhookEvents.seq))
      .limit(opts.batchSize)
      .for('update', { skipLocked: true });
    if (claimed.length === 0) return 0;

    const byWorkflow = new Map<string, string[]>();
    for (const c of claimed) {
      const ids = byWorkflow.get(c.workflowId);
      if (ids) ids.push(c.id);
      else byWorkflow.set(c.workflowId, [c.id]);
    }
    const nowIso = opts.now.toISOString();
    // Sorted, so that two workers always take workflow locks in one order.
    for (const workflowId of [...byWorkflow.keys()].sort()) {
      const ids = byWorkflow.get(workflowId)!;
      try {
        await tx.transaction(async (sp) => {
          await sp
            .update(webhookEvents)
            .set({
              processingStatus: 'processed',
              processingError: null,
              processedAt: opts.now,
              processingMs: sql`greatest(0, round(extract(epoch from (${nowIso}::timestamptz - ${webhookEvents.receivedAt})) * 1000))::int`,
            })
            .where(inArray(webhookEvents.id, ids));
          await rebuildWorkflowProjection(sp, workflowId, opts);
        });
      } catch (e) {
        if (isDatabaseUnavailable(e)) throw e;
        await tx
          .update(webhookEvents)
          .set({
            processingStatus: 'failed',
            processingError: `projection update failed: ${databaseMessageOf(e)}`.slice(0, 2000),
            processedAt: opts.now,
          })
          .where(inArray(webhookEvents.id, ids));
      }
    }
    return claimed.length;
  });
}
