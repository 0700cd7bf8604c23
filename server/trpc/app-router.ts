import { z } from 'zod';
import { createUserInputSchema, listAuditLogInputSchema, updateUserInputSchema } from '../contracts/auth';
import { forceSyncInputSchema } from '../contracts/force-sync';
import { acknowledgeAlertInputSchema, liftSilenceInputSchema, silenceAlertRuleInputSchema } from '../contracts/alert-lifecycle';
import { listAlertsInputSchema } from '../contracts/alerts';
import { cleanupOldEventsInputSchema, lastWebhookQuerySchema, listRejectionsInputSchema } from '../contracts/diagnostics';
import { metricsInputSchema } from '../contracts/metrics';
import { bulkReplayInputSchema, bulkReplayJobIdSchema, listReplaysInputSchema, replayWorkflowInputSchema } from '../contracts/replay';
import { reasonSchema } from '../contracts/reason';
import { eventIdInputSchema, listWorkflowsInputSchema, workflowIdInputSchema } from '../contracts/workflows';
import { acknowledgeAlert } from '../domain/alerts/acknowledge-alert';
import { liftSilence } from '../domain/alerts/lift-silence';
import { listAlerts } from '../domain/alerts/list-alerts';
import { silenceAlertRule } from '../domain/alerts/silence-alert-rule';
import { describeSession } from '../domain/auth/describe-session';
import { listAuditLog } from '../domain/auth/list-audit-log';
import { createUser, listUsers, updateUser } from '../domain/auth/manage-users';
import { getLastWebhook } from '../domain/diagnostics/get-last-webhook';
import { listRejections } from '../domain/diagnostics/list-rejections';
import { testConfiguration } from '../domain/diagnostics/test-configuration';
import { getEvent } from '../domain/events/get-event';
import { requestCleanup } from '../domain/retention/cleanup-old-events';
import { describeSyncConfiguration } from '../domain/force-sync/describe-sync-configuration';
import { getSyncStatus } from '../domain/force-sync/get-sync-status';
import { startForceSync } from '../domain/force-sync/request-sync';
import { getHealth } from '../domain/health/get-health';
import { metricsOverview } from '../domain/metrics/get-metrics';
import { bulkReplay } from '../domain/replay/bulk-replay';
import { cancelBulkReplayJob } from '../domain/replay/cancel-bulk-replay-job';
import { getBulkReplayJob } from '../domain/replay/get-bulk-replay-job';
import { listReplays } from '../domain/replay/list-replays';
import { replayWorkflow } from '../domain/replay/replay-workflow';
import { getReceiverStatus } from '../domain/webhooks/get-receiver-status';
import { getWorkflow } from '../domain/workflows/get-workflow';
import { listWorkflows } from '../domain/workflows/list-workflows';
import { rerunWorkflow } from '../domain/workflows/rerun-workflow';
import { liveRouter } from './live-router';
import { callVerb, router } from './trpc';

/**
 * The typed API of the console. Every procedure is a thin adapter over a
 * domain verb, which decides who may call it; inputs are the same zod
 * contracts the REST routes use.
 */
export const appRouter = router({
  session: callVerb(describeSession).query(({ ctx }) => describeSession({ ctx, input: undefined })),

  system: router({
    health: callVerb(getHealth).query(({ ctx }) => getHealth({ ctx, input: undefined })),
    receiver: callVerb(getReceiverStatus).query(({ ctx }) => getReceiverStatus({ ctx, input: undefined })),
    configuration: callVerb(describeSyncConfiguration).query(({ ctx }) => describeSyncConfiguration({ ctx, input: undefined })),
  }),

  metrics: router({
    overview: callVerb(metricsOverview).input(metricsInputSchema).query(({ ctx, input }) => metricsOverview({ ctx, input })),
  }),

  diagnostics: router({
    events: callVerb(getLastWebhook).input(lastWebhookQuerySchema).query(({ ctx, input }) => getLastWebhook({ ctx, input })),
    rejections: callVerb(listRejections).input(listRejectionsInputSchema).query(({ ctx, input }) => listRejections({ ctx, input })),
    testConfiguration: callVerb(testConfiguration).mutation(({ ctx }) => testConfiguration({ ctx, input: undefined })),
    cleanup: callVerb(requestCleanup)
      .input(cleanupOldEventsInputSchema.omit({ action: true }).extend({ reason: reasonSchema }))
      .mutation(({ ctx, input }) => requestCleanup({ ctx, input: { retentionDays: input.retention_days, reason: input.reason } })),
  }),

  events: router({
    get: callVerb(getEvent).input(eventIdInputSchema).query(({ ctx, input }) => getEvent({ ctx, input })),
  }),

  workflows: router({
    list: callVerb(listWorkflows).input(listWorkflowsInputSchema).query(({ ctx, input }) => listWorkflows({ ctx, input })),
    get: callVerb(getWorkflow).input(workflowIdInputSchema).query(({ ctx, input }) => getWorkflow({ ctx, input })),
    rerun: callVerb(rerunWorkflow).input(workflowIdInputSchema).mutation(({ ctx, input }) => rerunWorkflow({ ctx, input })),
  }),

  alerts: router({
    list: callVerb(listAlerts).input(listAlertsInputSchema).query(({ ctx, input }) => listAlerts({ ctx, input })),
    acknowledge: callVerb(acknowledgeAlert).input(acknowledgeAlertInputSchema).mutation(({ ctx, input }) => acknowledgeAlert({ ctx, input })),
    silence: callVerb(silenceAlertRule).input(silenceAlertRuleInputSchema).mutation(({ ctx, input }) => silenceAlertRule({ ctx, input })),
    liftSilence: callVerb(liftSilence).input(liftSilenceInputSchema).mutation(({ ctx, input }) => liftSilence({ ctx, input })),
  }),

  replay: router({
    workflow: callVerb(replayWorkflow).input(replayWorkflowInputSchema).mutation(({ ctx, input }) => replayWorkflow({ ctx, input })),
    bulk: callVerb(bulkReplay).input(bulkReplayInputSchema).mutation(({ ctx, input }) => bulkReplay({ ctx, input })),
    bulkJob: callVerb(getBulkReplayJob).input(bulkReplayJobIdSchema).query(({ ctx, input }) => getBulkReplayJob({ ctx, input })),
    cancelBulk: callVerb(cancelBulkReplayJob).input(bulkReplayJobIdSchema).mutation(({ ctx, input }) => cancelBulkReplayJob({ ctx, input })),
    list: callVerb(listReplays).input(listReplaysInputSchema).query(({ ctx, input }) => listReplays({ ctx, input })),
  }),

  forceSync: router({
    start: callVerb(startForceSync)
      .input(forceSyncInputSchema)
      .mutation(async ({ ctx, input }) => {
        const { answer } = await startForceSync({ ctx, input: { request: { kind: 'force_sync', body: input }, rawBody: input, idempotencyKey: undefined } });
        return answer;
      }),
    status: callVerb(getSyncStatus).input(z.strictObject({ syncId: z.string() })).query(({ ctx, input }) => getSyncStatus({ ctx, input })),
  }),

  audit: router({
    list: callVerb(listAuditLog).input(listAuditLogInputSchema).query(({ ctx, input }) => listAuditLog({ ctx, input })),
  }),

  live: liveRouter,

  users: router({
    list: callVerb(listUsers).query(({ ctx }) => listUsers({ ctx, input: undefined })),
    create: callVerb(createUser).input(createUserInputSchema).mutation(({ ctx, input }) => createUser({ ctx, input })),
    update: callVerb(updateUser).input(updateUserInputSchema).mutation(({ ctx, input }) => updateUser({ ctx, input })),
  }),
});

export type AppRouter = typeof appRouter;
