import { STRATEGY_AGENTS } from '../../contracts/strategy-workflow';
import type { Caller } from '../auth/caller';
import type { Ctx } from '../context';
import { withIdempotency } from '../idempotency/with-idempotency';
import { type StartedSync, type SyncRequest, startSync } from './start-sync';

/**
 * A force sync or trigger call as the REST routes answer it: idempotent by
 * `Idempotency-Key`, and shaped as the runbook shows. The answer is built
 * here because the idempotency record must hold exactly what was answered.
 */
export async function requestSync({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { request: SyncRequest; rawBody: unknown; caller: Caller; correlationId: string; idempotencyKey: string | undefined };
}) {
  return withIdempotency(
    { ctx, input: { key: input.idempotencyKey, scope: input.caller.name, route: input.request.kind, requestBody: input.rawBody } },
    async () => {
      const sync = await startSync({ ctx, input });
      return { status: 200, body: answerOf(ctx, input.request, sync, input.correlationId) };
    },
  );
}

function answerOf(ctx: Ctx, request: SyncRequest, sync: StartedSync, correlationId: string): Record<string, unknown> {
  const pollingUrl = `${ctx.config.baseUrl}/api/opal/sync/${sync.syncId}`;
  if (request.kind === 'trigger') {
    return {
      success: true,
      sync_id: sync.syncId,
      workflow_id: sync.workflowId,
      workflow_name: request.body.workflow_name,
      session_id: request.body.session_id ?? null,
      opal_session_id: sync.opalSessionId,
      correlation_id: correlationId,
      status: 'triggered',
      polling_url: pollingUrl,
    };
  }
  return {
    success: true,
    sync_id: sync.syncId,
    correlation_id: correlationId,
    message: 'Force sync triggered successfully: strategy_workflow is running in Opal',
    sync_details: {
      sync_scope: request.body.sync_scope,
      internal_workflow: { enabled: true, workflow_id: sync.syncId },
      external_opal: {
        triggered: true,
        workflow_id: sync.workflowId,
        session_id: sync.opalSessionId,
        ai_agents_count: STRATEGY_AGENTS.length,
        mode: sync.mode,
      },
    },
    polling_url: pollingUrl,
  };
}
