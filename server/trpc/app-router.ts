import { z } from 'zod';
import { createUserInputSchema, listAuditLogInputSchema, updateUserInputSchema } from '../contracts/auth';
import { forceSyncInputSchema } from '../contracts/force-sync';
import { listAlertsInputSchema } from '../contracts/alerts';
import { cleanupOldEventsInputSchema, lastWebhookQuerySchema, listRejectionsInputSchema } from '../contracts/diagnostics';
import { metricsInputSchema } from '../contracts/metrics';
import { bulkReplayInputSchema, listReplaysInputSchema, replayWorkflowInputSchema } from '../contracts/replay';
import { eventIdInputSchema, listWorkflowsInputSchema, workflowIdInputSchema } from '../contracts/workflows';
import { listAlerts } from '../domain/alerts/list-alerts';
import { describeSession } from '../domain/auth/describe-session';
import { listAuditLog } from '../domain/auth/list-audit-log';
import { createUser, listUsers, updateUser } from '../domain/auth/manage-users';
import { getLastWebhook } from '../domain/diagnostics/get-last-webhook';
import { listRejections } from '../domain/diagnostics/list-rejections';
import { testConfiguration } from '../domain/diagnostics/test-configuration';
import { getEvent } from '../domain/events/get-event';
import { cleanupOldEvents } from '../domain/retention/cleanup-old-events';
import { describeSyncConfiguration } from '../domain/force-sync/describe-sync-configuration';
import { getSyncStatus } from '../domain/force-sync/get-sync-status';
import { requestSync } from '../domain/force-sync/request-sync';
import { getHealth } from '../domain/health/get-health';
import { getMetrics } from '../domain/metrics/get-metrics';
import { bulkReplay } from '../domain/replay/bulk-replay';
import { listReplays } from '../domain/replay/list-replays';
import { replayWorkflow } from '../domain/replay/replay-workflow';
import { getReceiverStatus } from '../domain/webhooks/get-receiver-status';
import { getWorkflow } from '../domain/workflows/get-workflow';
import { listWorkflows } from '../domain/workflows/list-workflows';
import { rerunWorkflow } from '../domain/workflows/rerun-workflow';
import { adminProcedure, clientProcedure, operatorProcedure, pollingProcedure, publicProcedure, readProcedure, router } from './trpc';

/**
 * The typed API of the console. Every procedure is a thin adapter over a
 * domain function; inputs are the same zod contracts the REST routes use.
 */
export const appRouter = router({
  session: publicProcedure.query(({ ctx }) => describeSession({ ctx: ctx.ctx, input: { caller: ctx.caller } })),

  system: router({
    health: readProcedure.query(({ ctx }) => getHealth({ ctx: ctx.ctx })),
    receiver: readProcedure.query(({ ctx }) => getReceiverStatus({ ctx: ctx.ctx })),
    configuration: readProcedure.query(({ ctx }) => describeSyncConfiguration({ ctx: ctx.ctx })),
  }),

  metrics: router({
    overview: readProcedure.input(metricsInputSchema).query(({ ctx, input }) => getMetrics({ ctx: ctx.ctx, input })),
  }),

  diagnostics: router({
    events: readProcedure.input(lastWebhookQuerySchema).query(({ ctx, input }) => getLastWebhook({ ctx: ctx.ctx, input })),
    rejections: readProcedure.input(listRejectionsInputSchema).query(({ ctx, input }) => listRejections({ ctx: ctx.ctx, input })),
    testConfiguration: operatorProcedure.mutation(({ ctx }) =>
      testConfiguration({ ctx: ctx.ctx, input: { caller: ctx.caller, correlationId: ctx.correlationId, sourceIp: ctx.sourceIp } }),
    ),
    cleanup: adminProcedure.input(cleanupOldEventsInputSchema.omit({ action: true })).mutation(({ ctx, input }) =>
      cleanupOldEvents({
        ctx: ctx.ctx,
        input: { retentionDays: input.retention_days, actor: ctx.caller.name, trigger: 'request', correlationId: ctx.correlationId, sourceIp: ctx.sourceIp },
      }),
    ),
  }),

  events: router({
    get: readProcedure.input(eventIdInputSchema).query(({ ctx, input }) => getEvent({ ctx: ctx.ctx, input })),
  }),

  workflows: router({
    list: readProcedure.input(listWorkflowsInputSchema).query(({ ctx, input }) => listWorkflows({ ctx: ctx.ctx, input })),
    get: readProcedure.input(workflowIdInputSchema).query(({ ctx, input }) => getWorkflow({ ctx: ctx.ctx, input })),
    rerun: operatorProcedure
      .input(workflowIdInputSchema)
      .mutation(({ ctx, input }) => rerunWorkflow({ ctx: ctx.ctx, input: { ...input, caller: ctx.caller, correlationId: ctx.correlationId } })),
  }),

  alerts: router({
    list: readProcedure.input(listAlertsInputSchema).query(({ ctx, input }) => listAlerts({ ctx: ctx.ctx, input })),
  }),

  replay: router({
    workflow: operatorProcedure
      .input(replayWorkflowInputSchema)
      .mutation(({ ctx, input }) =>
        replayWorkflow({ ctx: ctx.ctx, input: { request: input, requester: { caller: ctx.caller, correlationId: ctx.correlationId, sourceIp: ctx.sourceIp } } }),
      ),
    bulk: operatorProcedure
      .input(bulkReplayInputSchema)
      .mutation(({ ctx, input }) =>
        bulkReplay({ ctx: ctx.ctx, input: { request: input, requester: { caller: ctx.caller, correlationId: ctx.correlationId, sourceIp: ctx.sourceIp } } }),
      ),
    list: readProcedure.input(listReplaysInputSchema).query(({ ctx, input }) => listReplays({ ctx: ctx.ctx, input })),
  }),

  forceSync: router({
    start: clientProcedure.input(forceSyncInputSchema).mutation(async ({ ctx, input }) => {
      const answer = await requestSync({
        ctx: ctx.ctx,
        input: { request: { kind: 'force_sync', body: input }, rawBody: input, caller: ctx.caller, correlationId: ctx.correlationId, idempotencyKey: undefined },
      });
      return answer.body as { sync_id: string; polling_url: string; sync_details: { external_opal: { workflow_id: string } } };
    }),
    status: pollingProcedure.input(z.strictObject({ syncId: z.string() })).query(({ ctx, input }) => getSyncStatus({ ctx: ctx.ctx, input })),
  }),

  audit: router({
    list: adminProcedure.input(listAuditLogInputSchema).query(({ ctx, input }) => listAuditLog({ ctx: ctx.ctx, input })),
  }),

  users: router({
    list: adminProcedure.query(({ ctx }) => listUsers({ ctx: ctx.ctx })),
    create: adminProcedure.input(createUserInputSchema).mutation(({ ctx, input }) => createUser({ ctx: ctx.ctx, input: { ...input, caller: ctx.caller } })),
    update: adminProcedure.input(updateUserInputSchema).mutation(({ ctx, input }) => updateUser({ ctx: ctx.ctx, input: { ...input, caller: ctx.caller } })),
  }),
});

export type AppRouter = typeof appRouter;
