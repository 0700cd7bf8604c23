import { eq } from 'drizzle-orm';
import { syncIdSchema } from '../../contracts/force-sync';
import { syncRequests, webhookEvents, workflows } from '../../db/schema';
import type { Ctx } from '../context';
import { notFound } from '../errors';

export interface ReplayTarget {
  workflowId: string;
  resolvedFrom: 'workflow_id' | 'sync_id';
  /** The force sync or trigger call that started the workflow, when known. */
  syncId: string | null;
}

/**
 * The workflow a replay request names: Opal's workflow id (known when an
 * event, its projection or a sync request mentions it), else the `sync_id`
 * of the force sync that started it (DESIGN.md "Identifiers"). Anything
 * else is a 404.
 */
export async function resolveReplayWorkflow({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<ReplayTarget> {
  const { id } = input;
  const [event] = await ctx.db.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.workflowId, id)).limit(1);
  const [projection] = event
    ? [event]
    : await ctx.db.select({ id: workflows.workflowId }).from(workflows).where(eq(workflows.workflowId, id)).limit(1);
  const [startedBy] = await ctx.db
    .select({ syncId: syncRequests.syncId })
    .from(syncRequests)
    .where(eq(syncRequests.opalWorkflowId, id))
    .limit(1);
  if (projection || startedBy) return { workflowId: id, resolvedFrom: 'workflow_id', syncId: startedBy?.syncId ?? null };

  if (syncIdSchema.safeParse(id).success) {
    const [sync] = await ctx.db
      .select({ opalWorkflowId: syncRequests.opalWorkflowId, status: syncRequests.status })
      .from(syncRequests)
      .where(eq(syncRequests.syncId, id));
    if (sync) {
      if (!sync.opalWorkflowId) {
        throw notFound(`The force sync ${id} started no Opal workflow (its status is ${sync.status}); there is nothing to replay.`);
      }
      return { workflowId: sync.opalWorkflowId, resolvedFrom: 'sync_id', syncId: id };
    }
  }
  throw notFound(`No workflow or force sync ${id}: no event of it is stored.`);
}
