import type { z } from 'zod';
import type { forceSyncAnswerSchema, triggerAnswerSchema } from '../../contracts/force-sync';
import { ACCESS } from '../../contracts/roles';
import { STRATEGY_AGENTS, STRATEGY_WORKFLOW } from '../../contracts/strategy-workflow';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { withIdempotency } from '../idempotency/with-idempotency';
import { type StartedSync, type SyncRequest, startSync } from './start-sync';

export type ForceSyncAnswer = z.input<typeof forceSyncAnswerSchema>;
export type TriggerAnswer = z.input<typeof triggerAnswerSchema>;
type Forced = Extract<SyncRequest, { kind: 'force_sync' }>;
type Triggered = Extract<SyncRequest, { kind: 'trigger' }>;
interface SyncCall<R> {
  request: R;
  /** The body as sent: what an Idempotency-Key's repeat is compared with. */
  rawBody: unknown;
  idempotencyKey: string | undefined;
}

/**
 * A force sync or trigger call: idempotent by `Idempotency-Key`, and shaped
 * as the runbook shows. The shape is built here because the idempotency
 * record must hold exactly what was answered the first time.
 */
async function requestSync<A>(ctx: ActorCtx, input: SyncCall<SyncRequest>, shape: (sync: StartedSync) => A): Promise<{ answer: A; replayed: boolean }> {
  const { result, replayed } = await withIdempotency(
    { ctx, input: { key: input.idempotencyKey, scope: ctx.actor.name, route: input.request.kind, requestBody: input.rawBody } },
    async () => shape(await startSync({ ctx, input: { ...input, caller: ctx.actor, correlationId: ctx.correlationId } })),
  );
  return { answer: result, replayed };
}

/** `POST /api/opal/sync` and the console's force sync. */
export const startForceSync = defineVerb({
  action: 'forceSync.start',
  access: ACCESS.client,
  run: ({ ctx, input }: { ctx: ActorCtx; input: SyncCall<Forced> }) =>
    requestSync(ctx, input, (sync) => forceSyncAnswerOf(ctx, input.request, sync)),
});

/** `POST /api/orchestrations/trigger`. */
export const startTrigger = defineVerb({
  action: 'trigger.start',
  access: ACCESS.client,
  run: ({ ctx, input }: { ctx: ActorCtx; input: SyncCall<Triggered> }) =>
    requestSync(ctx, input, (sync) => triggerAnswerOf(ctx, input.request, sync)),
});

const pollingUrlOf = (ctx: ActorCtx, sync: StartedSync) => `${ctx.config.baseUrl}/api/opal/sync/${sync.syncId}`;

function triggerAnswerOf(ctx: ActorCtx, request: Triggered, sync: StartedSync): TriggerAnswer {
  return {
    sync_id: sync.syncId,
    workflow_id: sync.workflowId,
    // startSync refused every other name.
    workflow_name: STRATEGY_WORKFLOW,
    session_id: request.body.session_id ?? null,
    opal_session_id: sync.opalSessionId,
    correlation_id: ctx.correlationId,
    status: 'triggered',
    polling_url: pollingUrlOf(ctx, sync),
  };
}

function forceSyncAnswerOf(ctx: ActorCtx, request: Forced, sync: StartedSync): ForceSyncAnswer {
  return {
    sync_id: sync.syncId,
    correlation_id: ctx.correlationId,
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
    polling_url: pollingUrlOf(ctx, sync),
  };
}
