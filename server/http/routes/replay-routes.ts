import {
  bulkReplayAcceptedSchema,
  bulkReplayBodySchema,
  type BulkReplayInput,
  bulkReplayJobIdSchema,
  bulkReplayJobSchema,
  bulkReplayResultSchema,
  listReplaysInputSchema,
  listReplaysResultSchema,
  replayWorkflowBodySchema,
  type ReplayWorkflowInput,
  replayWorkflowResultSchema,
} from '../../contracts/replay';
import { bulkReplay } from '../../domain/replay/bulk-replay';
import { cancelBulkReplayJob } from '../../domain/replay/cancel-bulk-replay-job';
import { getBulkReplayJob } from '../../domain/replay/get-bulk-replay-job';
import { listReplays } from '../../domain/replay/list-replays';
import { replayWorkflow } from '../../domain/replay/replay-workflow';
import { ok, okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';
import { restReason } from './rest-reason';
import { RUNBOOK } from './runbook-examples';

const JOB_DESCRIPTION =
  'A bulk replay job runs batch by batch (one workflow each, in its own transaction); it can be followed here and cancelled between batches.';

/** Runbook section 5: replay one workflow's events, replay by filter, and the replay history. */
export const replayRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/orchestrations/replay',
    operationId: 'replayWorkflow',
    tag: 'replay',
    summary: "Replay a workflow's stored events (by workflow_id or sync_id), with dry_run",
    description: 'Re-applies stored events to the projections in offset order; never changes what an event reports. Replaying twice gives the same state.',
    verb: replayWorkflow,
    body: { reader: 'json', schema: replayWorkflowBodySchema },
    input: ({ body, ctx }) => {
      const b = body as ReplayWorkflowInput;
      return { ...b, reason: restReason(ctx, b.reason, { dryRun: b.dry_run }) };
    },
    responses: { 200: okBody(replayWorkflowResultSchema) },
    errors: [404],
    answer: (r) => ok(r),
    examples: { request: RUNBOOK.replayRequests },
  }),
  defineRoute({
    method: 'post',
    path: '/api/orchestrations/replay/bulk',
    operationId: 'replayBulk',
    tag: 'replay',
    summary: 'Replay events by filter (failed events in a time range, of a type or agent, or by id): a dry run counts (200); a real run is queued as a job (202)',
    description: `A dry run answers at once (200) with the count, the workflows affected and a sample. A real run fixes its selection and answers 202 with the queued job, its id and status_url (also in Location). ${JOB_DESCRIPTION} The reason is required in production; a development server records "none given" when absent.`,
    verb: bulkReplay,
    body: { reader: 'json', schema: bulkReplayBodySchema },
    input: ({ body, ctx }) => {
      const b = body as BulkReplayInput;
      return { ...b, reason: restReason(ctx, b.reason, { dryRun: b.dry_run }) };
    },
    responses: { 200: okBody(bulkReplayResultSchema), 202: okBody(bulkReplayAcceptedSchema) },
    responseHeaders: [{ name: 'Location', description: 'A real run (202): the job\'s status_url' }],
    errors: [404],
    answer: (r) =>
      'job_id' in r ? { status: 202 as const, body: { success: true as const, ...r }, headers: { Location: r.status_url } } : ok(r),
    examples: {
      request: {
        dryRun: { summary: 'Count the processing failures of a day', value: { filter: { start_date: '2024-01-15T00:00:00Z', end_date: '2024-01-15T23:59:59Z' }, dry_run: true } },
        replay: {
          summary: 'Replay them, saying why',
          value: { filter: { start_date: '2024-01-15T00:00:00Z', end_date: '2024-01-15T23:59:59Z' }, reason: 'INC-42: database failover dropped projections' },
        },
      },
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/orchestrations/replay/bulk/:job_id',
    operationId: 'getBulkReplayJob',
    tag: 'replay',
    summary: "A bulk replay job's progress: state, matched, done, failed, skipped, who, why",
    description: JOB_DESCRIPTION,
    verb: getBulkReplayJob,
    params: bulkReplayJobIdSchema,
    input: ({ params }) => ({ job_id: params.job_id! }),
    responses: { 200: okBody(bulkReplayJobSchema) },
    errors: [404],
    answer: (r) => ok(r),
  }),
  defineRoute({
    method: 'post',
    path: '/api/orchestrations/replay/bulk/:job_id/cancel',
    operationId: 'cancelBulkReplayJob',
    tag: 'replay',
    summary: 'Cancel a bulk replay job between batches (the batches done stay done)',
    description: 'A queued job ends at once; a running one once the batch in flight finishes. Asking again is harmless; a job that has ended answers 409.',
    verb: cancelBulkReplayJob,
    params: bulkReplayJobIdSchema,
    input: ({ params }) => ({ job_id: params.job_id! }),
    responses: { 200: okBody(bulkReplayJobSchema) },
    errors: [404, 409],
    answer: (r) => ok(r),
  }),
  defineRoute({
    method: 'get',
    path: '/api/orchestrations/replay',
    operationId: 'listReplays',
    tag: 'replay',
    summary: 'Replay history',
    verb: listReplays,
    query: listReplaysInputSchema,
    responses: { 200: okBody(listReplaysResultSchema) },
    answer: (r) => ok(r),
  }),
];
