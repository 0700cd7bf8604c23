import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { STRATEGY_AGENTS, STRATEGY_WORKFLOW } from '../../contracts/strategy-workflow';
import type { ForceSyncInput, TriggerInput } from '../../contracts/force-sync';
import { syncRequests } from '../../db/schema';
import type { Caller } from '../auth/caller';
import type { Ctx } from '../context';
import { DomainError, forbidden } from '../errors';

export type SyncRequest =
  | { kind: 'force_sync'; body: ForceSyncInput }
  | { kind: 'trigger'; body: TriggerInput };

export interface StartedSync {
  syncId: string;
  workflowId: string;
  opalSessionId: string | null;
  mode: 'live' | 'simulator';
}

/**
 * Starts Opal's strategy_workflow for a force sync or a trigger call, and
 * records the call in sync_requests whatever happens: a failed sync is
 * visible as failed, with Opal's outcome, so an operator can check Opal
 * before re-running.
 */
export async function startSync({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { request: SyncRequest; caller: Caller; correlationId: string; idempotencyKey: string | undefined };
}): Promise<StartedSync> {
  const { request } = input;
  if (request.kind === 'trigger' && request.body.workflow_name !== STRATEGY_WORKFLOW) {
    throw forbidden(`Only ${STRATEGY_WORKFLOW} may be triggered; "${request.body.workflow_name}" is not permitted.`);
  }
  const started = ctx.now();
  const syncId = randomUUID();
  const inputData = inputDataOf(request, ctx.config.opal.workspaceId);
  await ctx.db.insert(syncRequests).values({
    syncId,
    kind: request.kind,
    correlationId: input.correlationId,
    idempotencyKey: input.idempotencyKey,
    caller: input.caller.name,
    syncScope: request.kind === 'force_sync' ? request.body.sync_scope : null,
    clientName: (inputData.client_name as string | undefined) ?? null,
    clientSessionId: request.kind === 'trigger' ? (request.body.session_id ?? null) : null,
    triggeredBy: request.kind === 'trigger' ? (request.body.triggered_by ?? input.caller.name) : input.caller.name,
    input: request.body,
    status: 'pending',
    opalMode: ctx.opal.mode,
    createdAt: new Date(started),
  });

  try {
    const result = await ctx.opal.client.triggerWorkflow({
      correlationId: input.correlationId,
      inputData,
      callbackUrl: `${ctx.config.baseUrl}/api/webhooks/opal-workflow`,
      triggerTimestamp: new Date(started),
      extraMetadata: { sync_id: syncId, ...scenarioOf(request) },
    });
    ctx.telemetry.observeOpalCall('started', result.latencyMs);
    const durationMs = ctx.now() - started;
    await ctx.db
      .update(syncRequests)
      .set({
        status: 'triggered',
        opalWorkflowId: result.workflowId,
        opalSessionId: result.sessionId,
        opalOutcome: 'started',
        opalAttempts: result.attempts,
        opalLatencyMs: Math.round(result.latencyMs),
        durationMs,
        finishedAt: new Date(ctx.now()),
      })
      .where(eq(syncRequests.syncId, syncId));
    // Once stored: a row that could not be updated goes to the catch below and counts as failed there.
    ctx.telemetry.observeSyncFinished(request.kind, 'triggered', durationMs);
    return { syncId, workflowId: result.workflowId, opalSessionId: result.sessionId, mode: ctx.opal.mode };
  } catch (e) {
    const details = e instanceof DomainError ? e.details : undefined;
    const durationMs = ctx.now() - started;
    ctx.telemetry.observeOpalCall(typeof details?.opal_outcome === 'string' ? details.opal_outcome : 'error', durationMs);
    ctx.telemetry.observeSyncFinished(request.kind, 'failed', durationMs);
    await ctx.db
      .update(syncRequests)
      .set({
        status: 'failed',
        opalOutcome: typeof details?.opal_outcome === 'string' ? details.opal_outcome : 'error',
        opalAttempts: typeof details?.attempts === 'number' ? details.attempts : null,
        errorKind: e instanceof DomainError ? e.kind : 'Unexpected',
        durationMs,
        error: e instanceof DomainError ? e.message : 'unexpected error while calling Opal',
        finishedAt: new Date(ctx.now()),
      })
      .where(eq(syncRequests.syncId, syncId))
      .catch((dbError: unknown) => ctx.logger.error({ err: dbError, syncId }, 'could not record a failed sync'));
    if (e instanceof DomainError) {
      throw new DomainError(e.kind, e.title, e.message, {
        details: { ...e.details, sync_id: syncId },
        ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
      });
    }
    throw e;
  }
}

/** What Opal's strategy_workflow receives as `input_data`. */
function inputDataOf(request: SyncRequest, workspaceId: string): Record<string, unknown> {
  if (request.kind === 'force_sync') {
    const b = request.body;
    return {
      client_name: b.client_context?.client_name,
      industry: b.client_context?.industry,
      recipients: b.client_context?.recipients ?? [],
      sync_scope: b.sync_scope,
      include_rag_update: b.include_rag_update,
      force_sync: true,
      workspace_id: workspaceId,
      agents: STRATEGY_AGENTS,
    };
  }
  const b = request.body;
  return {
    client_name: b.client_name,
    session_id: b.session_id,
    preferences: b.preferences ?? {},
    triggered_by: b.triggered_by,
    force_sync: true,
    workspace_id: workspaceId,
    agents: STRATEGY_AGENTS,
  };
}

/** A simulator scenario (development only) travels in the request's metadata. */
function scenarioOf(request: SyncRequest): Record<string, unknown> {
  const scenario = request.body.metadata?.simulator_scenario;
  return scenario && typeof scenario === 'object' ? { simulator_scenario: scenario } : {};
}
