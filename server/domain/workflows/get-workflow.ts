import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { desc, eq } from 'drizzle-orm';
import { syncRequests } from '../../db/schema';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { describeWorkflow } from './describe-workflow';

/** A workflow's detail for the console: its timeline, and the force sync that started it (if this server did). */
export const getWorkflow = defineVerb({
  action: 'workflows.get',
  access: ACCESS.read,
  run: async function getWorkflow({ ctx, input }: { ctx: Ctx; input: { workflowId: string } }) {
    const described = await describeWorkflow(ctx, input.workflowId);
    if (!described.workflow && described.events.length === 0) throw notFound(`No workflow ${input.workflowId}.`);
    const [sync] = await ctx.db
      .select({
        syncId: syncRequests.syncId,
        kind: syncRequests.kind,
        caller: syncRequests.caller,
        syncScope: syncRequests.syncScope,
        clientName: syncRequests.clientName,
        createdAt: syncRequests.createdAt,
      })
      .from(syncRequests)
      .where(eq(syncRequests.opalWorkflowId, input.workflowId))
      .orderBy(desc(syncRequests.createdAt))
      .limit(1);
    return {
      ...described,
      sync: sync
        ? {
            sync_id: sync.syncId,
            kind: sync.kind,
            requested_by: sync.caller,
            sync_scope: sync.syncScope,
            client_name: sync.clientName,
            requested_at: sync.createdAt.toISOString(),
          }
        : null,
      // Re-run asks Opal again with the original inputs; only possible when this server started it.
      can_rerun: Boolean(sync),
    };
  },
});
