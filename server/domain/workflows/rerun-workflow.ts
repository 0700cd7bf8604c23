import { ACCESS } from '../../contracts/roles';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { desc, eq } from 'drizzle-orm';
import { forceSyncInputSchema, triggerInputSchema } from '../../contracts/force-sync';
import { syncRequests } from '../../db/schema';
import { notFound } from '../errors';
import { startSync } from '../force-sync/start-sync';

/**
 * Re-run: a NEW force sync with the original inputs of the one that started
 * this workflow. Unlike replay (which re-applies what we stored), this asks
 * Opal again, and can change what the agents report.
 */
export const rerunWorkflow = defineVerb({
  action: 'workflows.rerun',
  access: ACCESS.operate,
  run: async function rerunWorkflow({ ctx, input }: { ctx: ActorCtx; input: { workflowId: string } }) {
    const [original] = await ctx.db
      .select({ kind: syncRequests.kind, input: syncRequests.input })
      .from(syncRequests)
      .where(eq(syncRequests.opalWorkflowId, input.workflowId))
      .orderBy(desc(syncRequests.createdAt))
      .limit(1);
    if (!original) throw notFound(`Workflow ${input.workflowId} was not started by this server: its original inputs are unknown.`);
    const request =
      original.kind === 'trigger'
        ? { kind: 'trigger' as const, body: triggerInputSchema.parse(original.input) }
        : { kind: 'force_sync' as const, body: forceSyncInputSchema.parse(original.input) };
    const started = await startSync({ ctx, input: { request, caller: ctx.actor, correlationId: ctx.correlationId, idempotencyKey: undefined } });
    ctx.audit.record({
      actor: ctx.actor.name,
      action: 'workflow.rerun',
      outcome: 'success',
      target: input.workflowId,
      details: { new_sync_id: started.syncId, new_workflow_id: started.workflowId },
      correlationId: ctx.correlationId,
    });
    return { sync_id: started.syncId, workflow_id: started.workflowId, rerun_of: input.workflowId };
  },
});
