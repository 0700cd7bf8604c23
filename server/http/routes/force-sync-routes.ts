import { z } from 'zod';
import {
  forceSyncAnswerSchema,
  forceSyncInputSchema,
  syncConfigurationSchema,
  syncStatusSchema,
  triggerAnswerSchema,
  triggerDescriptionSchema,
  triggerInputSchema,
} from '../../contracts/force-sync';
import { describeSyncConfiguration } from '../../domain/force-sync/describe-sync-configuration';
import { describeTrigger } from '../../domain/force-sync/describe-trigger';
import { getSyncStatus } from '../../domain/force-sync/get-sync-status';
import { startForceSync, startTrigger } from '../../domain/force-sync/request-sync';
import { ok, okBody } from '../rest/envelope';
import { defineRoute, type Parts } from '../rest/route';
import { RUNBOOK } from './runbook-examples';

const idempotencyKey = { name: 'Idempotency-Key', description: 'The first completed answer is returned again for 24 hours.' };
const idempotencyKeyOf = ({ req }: Parts): string | undefined => {
  const v = req.headers['idempotency-key'];
  return typeof v === 'string' ? v : undefined;
};
const replayed = (r: { replayed: boolean }) => (r.replayed ? { 'Idempotent-Replayed': 'true' } : undefined);

export const forceSyncRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/opal/sync',
    operationId: 'getSyncConfiguration',
    tag: 'force sync',
    summary: 'Configuration check: workflow_security, each check, Opal mode, circuit state (no secrets)',
    verb: describeSyncConfiguration,
    responses: { 200: okBody(syncConfigurationSchema) },
    answer: (r) => ok(r),
  }),
  defineRoute({
    method: 'post',
    path: '/api/opal/sync',
    operationId: 'startForceSync',
    tag: 'force sync',
    summary: "Force sync: start Opal's strategy_workflow",
    verb: startForceSync,
    body: { reader: 'json', schema: forceSyncInputSchema },
    headers: [idempotencyKey],
    input: (p) => ({ request: { kind: 'force_sync' as const, body: p.body as z.output<typeof forceSyncInputSchema> }, rawBody: p.req.body, idempotencyKey: idempotencyKeyOf(p) }),
    responses: { 200: okBody(forceSyncAnswerSchema) },
    errors: [409, 422, 502],
    answer: (r) => ({ ...ok(r.answer), headers: replayed(r) }),
    examples: { request: RUNBOOK.forceSyncRequest, responses: { 200: RUNBOOK.forceSyncAnswer, 500: RUNBOOK.configurationError, 401: RUNBOOK.authenticationFailed } },
  }),
  defineRoute({
    method: 'get',
    path: '/api/opal/sync/:sync_id',
    operationId: 'getSyncStatus',
    tag: 'force sync',
    summary: "The polling URL: the workflow's status, the nine agents, timings, events so far",
    verb: getSyncStatus,
    params: z.object({ sync_id: z.string().describe('The sync_id a force sync or trigger answered with (a UUID).') }),
    input: (p) => ({ syncId: p.params.sync_id! }),
    responses: { 200: okBody(syncStatusSchema) },
    errors: [404],
    answer: (r) => ok(r),
  }),
  defineRoute({
    method: 'get',
    path: '/api/orchestrations/trigger',
    operationId: 'describeTrigger',
    tag: 'force sync',
    summary: 'What may be triggered, and how',
    verb: describeTrigger,
    responses: { 200: okBody(triggerDescriptionSchema) },
    answer: (r) => ok(r),
  }),
  defineRoute({
    method: 'post',
    path: '/api/orchestrations/trigger',
    operationId: 'triggerWorkflow',
    tag: 'force sync',
    summary: 'Trigger strategy_workflow (any other workflow_name → 403)',
    verb: startTrigger,
    body: { reader: 'json', schema: triggerInputSchema },
    headers: [idempotencyKey],
    input: (p) => ({ request: { kind: 'trigger' as const, body: p.body as z.output<typeof triggerInputSchema> }, rawBody: p.req.body, idempotencyKey: idempotencyKeyOf(p) }),
    responses: { 200: okBody(triggerAnswerSchema) },
    errors: [409, 422, 502],
    answer: (r) => ({ ...ok(r.answer), headers: replayed(r) }),
    examples: { request: RUNBOOK.triggerRequest },
  }),
];
