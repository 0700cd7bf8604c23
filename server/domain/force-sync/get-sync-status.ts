import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { eq } from 'drizzle-orm';
import { syncIdSchema } from '../../contracts/force-sync';
import { syncRequests } from '../../db/schema';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { describeWorkflow } from '../workflows/describe-workflow';

/**
 * The polling URL: the sync request, Opal's workflow as folded from its
 * callbacks, each of the nine agents (pending until a callback says
 * otherwise), and the events received so far.
 */
export const getSyncStatus = defineVerb({
  action: 'forceSync.status',
  access: ACCESS.client,
  run: async function getSyncStatus({ ctx, input }: { ctx: Ctx; input: { syncId: string } }) {
    if (!syncIdSchema.safeParse(input.syncId).success) throw notFound(`No force sync ${input.syncId}.`);
    const [sync] = await ctx.db
      .select({
        syncId: syncRequests.syncId,
        kind: syncRequests.kind,
        correlationId: syncRequests.correlationId,
        status: syncRequests.status,
        syncScope: syncRequests.syncScope,
        clientName: syncRequests.clientName,
        clientSessionId: syncRequests.clientSessionId,
        opalMode: syncRequests.opalMode,
        opalWorkflowId: syncRequests.opalWorkflowId,
        opalSessionId: syncRequests.opalSessionId,
        opalOutcome: syncRequests.opalOutcome,
        opalAttempts: syncRequests.opalAttempts,
        opalLatencyMs: syncRequests.opalLatencyMs,
        error: syncRequests.error,
        createdAt: syncRequests.createdAt,
      })
      .from(syncRequests)
      .where(eq(syncRequests.syncId, input.syncId));
    if (!sync) throw notFound(`No force sync ${input.syncId}.`);

    const workflowId = sync.opalWorkflowId;
    const { workflow, progress, agents, events } = await describeWorkflow(ctx, workflowId);

    return {
      sync_id: sync.syncId,
      kind: sync.kind,
      correlation_id: sync.correlationId,
      // One word for a poller: the sync's own failure, else the workflow's state.
      status: sync.status === 'triggered' ? (workflow?.status ?? 'waiting_for_callbacks') : sync.status,
      requested_at: sync.createdAt.toISOString(),
      sync_scope: sync.syncScope,
      client_name: sync.clientName,
      session_id: sync.clientSessionId,
      opal: {
        mode: sync.opalMode,
        workflow_id: workflowId,
        session_id: sync.opalSessionId,
        outcome: sync.opalOutcome,
        attempts: sync.opalAttempts,
        latency_ms: sync.opalLatencyMs,
        error: sync.error,
      },
      workflow,
      progress,
      agents,
      events,
    };
  },
});
