import { desc, eq } from 'drizzle-orm';
import { forceSyncInputSchema, triggerInputSchema } from '../../contracts/force-sync';
import { syncRequests } from '../../db/schema';
import type { Caller } from '../auth/caller';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { startSync } from '../force-sync/start-sync';

/**
 * Re-run: a NEW force sync with the original inputs of the one that started
 * this workflow. Unlike replay (which re-applies what we stored), this asks
 * Opal again, and can change what the agents report.
 */
export async function rerunWorkflow({ ctx, input }: { ctx: Ctx; input: { workflowId: string; caller: Caller; correlationId: string } }) {
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
  const started = await startSync({ ctx, input: { request, caller: input.caller, correlationId: input.correlationId, idempotencyKey: undefined } });
  ctx.audit.record({
    actor: input.caller.name,
    action: 'workflow.rerun',
    outcome: 'success',
    target: input.workflowId,
    details: { new_sync_id: started.syncId, new_workflow_id: started.workflowId },
    correlationId: input.correlationId,
  });
  return { sync_id: started.syncId, workflow_id: started.workflowId, rerun_of: input.workflowId };
}
