import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { databaseMessageOf, isDatabaseUnavailable } from '../../db/db-errors';
import { webhookEvents } from '../../db/schema';
import { rebuildWorkflowProjections, type Tx } from './rebuild-workflow-projection';

/**
 * Applies a batch of pending events to the projections. Claimed with
 * FOR UPDATE SKIP LOCKED, so several workers (or processes) share the log
 * without taking the same event twice. The whole batch is applied in a
 * handful of statements; if that fails, each workflow is retried on its own
 * so that one bad workflow cannot hold the others back, and a workflow whose
 * update still fails has its events marked `failed` with the reason (replay
 * re-runs them). Nothing is dropped. Returns how many events were claimed.
 */
export interface ProcessOptions {
  now: Date;
  timeoutMin: number;
  batchSize: number;
  /** Told of each event's result, for the process's metrics. */
  onProcessed?: (status: 'processed' | 'failed', processingMs: number | null) => void;
  /** Once the batch committed: the workflows it touched (the live stream tells the consoles). */
  onWorkflowsChanged?: (workflowIds: string[]) => void;
}

export async function processPendingEvents(db: Db, opts: ProcessOptions): Promise<number> {
  const touched: string[] = [];
  const claimedCount = await db.transaction(async (tx) => {
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
    touched.push(...byWorkflow.keys());
    try {
      const processed = await tx.transaction((sp) => apply(sp, claimed.map((c) => c.id), [...byWorkflow.keys()], opts));
      for (const p of processed) opts.onProcessed?.('processed', p.processingMs);
      return claimed.length;
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw e;
    }
    for (const workflowId of [...byWorkflow.keys()].sort()) {
      const ids = byWorkflow.get(workflowId)!;
      try {
        const processed = await tx.transaction((sp) => apply(sp, ids, [workflowId], opts));
        for (const p of processed) opts.onProcessed?.('processed', p.processingMs);
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
        for (let i = 0; i < ids.length; i++) opts.onProcessed?.('failed', null);
      }
    }
    return claimed.length;
  });
  if (touched.length > 0) opts.onWorkflowsChanged?.(touched);
  return claimedCount;
}

async function apply(tx: Tx, eventIds: string[], workflowIds: string[], opts: ProcessOptions) {
  const nowIso = opts.now.toISOString();
  const processed = await tx
    .update(webhookEvents)
    .set({
      processingStatus: 'processed',
      processingError: null,
      processedAt: opts.now,
      processingMs: sql`greatest(0, round(extract(epoch from (${nowIso}::timestamptz - ${webhookEvents.receivedAt})) * 1000))::int`,
    })
    .where(inArray(webhookEvents.id, eventIds))
    .returning({ processingMs: webhookEvents.processingMs });
  await rebuildWorkflowProjections(tx, workflowIds, opts);
  return processed;
}
