import {
  bulkReplayInputSchema,
  bulkReplayResultSchema,
  listReplaysInputSchema,
  listReplaysResultSchema,
  replayWorkflowInputSchema,
  replayWorkflowResultSchema,
} from '../../contracts/replay';
import { bulkReplay } from '../../domain/replay/bulk-replay';
import { listReplays } from '../../domain/replay/list-replays';
import { replayWorkflow } from '../../domain/replay/replay-workflow';
import { ok, okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';
import { RUNBOOK } from './runbook-examples';

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
    body: { reader: 'json', schema: replayWorkflowInputSchema },
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
    summary: 'Replay events by filter (failed events in a time range, of a type or agent, or by id), with a dry-run count and a cap',
    verb: bulkReplay,
    body: { reader: 'json', schema: bulkReplayInputSchema },
    responses: { 200: okBody(bulkReplayResultSchema) },
    errors: [404],
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
