import { z } from 'zod';
import { loginInputSchema } from '../../contracts/auth';
import { forceSyncInputSchema, triggerInputSchema } from '../../contracts/force-sync';
import { listAlertsInputSchema } from '../../contracts/alerts';
import { diagnosticsActionSchema, lastWebhookQuerySchema } from '../../contracts/diagnostics';
import { metricsInputSchema } from '../../contracts/metrics';
import { bulkReplayInputSchema, listReplaysInputSchema, replayWorkflowInputSchema } from '../../contracts/replay';
import { webhookEventSchema } from '../../contracts/webhook-event';
import type { Role } from '../../domain/auth/caller';
import { CLIENT_ROLES, OPERATOR_ROLES, READ_ROLES } from '../authorize';

export interface RestRoute {
  method: 'GET' | 'POST';
  path: string;
  tag: string;
  summary: string;
  description?: string;
  pathParams?: string[];
  query?: z.ZodObject;
  body?: z.ZodType;
  headers?: { name: string; required?: boolean; description: string }[];
  roles?: readonly Role[];
  security?: Record<string, string[]>[];
  responses: number[];
  okDescription?: string;
}

const idempotencyKey = { name: 'Idempotency-Key', description: 'The first completed answer is returned again for 24 hours.' };

/**
 * Every REST route, described from the zod contracts the routes parse with.
 * A test walks the Express app and fails when a route is missing here.
 */
export const REST_ROUTES: RestRoute[] = [
  { method: 'GET', path: '/api/health', tag: 'system', summary: 'Database reachable, driver, uptime, version', responses: [200, 503] },
  { method: 'GET', path: '/api/openapi.json', tag: 'system', summary: 'This document', responses: [200] },
  {
    method: 'GET',
    path: '/api/opal/sync',
    tag: 'force sync',
    summary: 'Configuration check: workflow_security, each check, Opal mode, circuit state (no secrets)',
    responses: [200],
  },
  {
    method: 'POST',
    path: '/api/opal/sync',
    tag: 'force sync',
    summary: "Force sync: start Opal's strategy_workflow",
    body: forceSyncInputSchema,
    headers: [idempotencyKey],
    roles: CLIENT_ROLES,
    responses: [200, 400, 401, 403, 409, 415, 422, 502, 503],
  },
  {
    method: 'GET',
    path: '/api/opal/sync/:sync_id',
    tag: 'force sync',
    summary: "The polling URL: the workflow's status, the nine agents, timings, events so far",
    pathParams: ['sync_id'],
    roles: CLIENT_ROLES,
    responses: [200, 401, 403, 404],
  },
  { method: 'GET', path: '/api/orchestrations/trigger', tag: 'force sync', summary: 'What may be triggered, and how', responses: [200] },
  {
    method: 'POST',
    path: '/api/orchestrations/trigger',
    tag: 'force sync',
    summary: 'Trigger strategy_workflow (any other workflow_name → 403)',
    body: triggerInputSchema,
    headers: [idempotencyKey],
    roles: CLIENT_ROLES,
    responses: [200, 400, 401, 403, 409, 415, 422, 502, 503],
  },
  {
    method: 'GET',
    path: '/api/webhooks/opal-workflow',
    tag: 'webhooks',
    summary: 'Receiver status: schemes accepted, events and failures in 24 h, signature failure rate (counts only)',
    responses: [200],
  },
  {
    method: 'POST',
    path: '/api/webhooks/opal-workflow',
    tag: 'webhooks',
    summary: "Opal's signed workflow callback",
    description:
      'Signed with X-OSA-Signature (t=<ms>,v1=<hex>) or Standard Webhooks headers. 202 once stored durably; a repeat → 409 (OSA, naming the original event_id) or 200 duplicate (Standard Webhooks). The original relay format (no event_type, an agent execution_status) is accepted too.',
    body: webhookEventSchema,
    security: [{ osaSignature: [] }, { standardWebhooks: [] }],
    responses: [200, 202, 400, 401, 409, 413, 415, 429, 503],
    okDescription: 'Stored (202) or a Standard Webhooks duplicate (200)',
  },
  { method: 'GET', path: '/api/opal/discovery', tag: 'opal tools', summary: "Custom tools in Opal's tools SDK discovery format", responses: [200] },
  {
    method: 'POST',
    path: '/api/opal/tools/send_workflow_event',
    tag: 'opal tools',
    summary: 'Opal custom-tool call: report a workflow event',
    body: z.object({ parameters: webhookEventSchema }),
    security: [{ toolToken: [] }],
    responses: [200, 202, 400, 401, 415],
  },
  {
    method: 'POST',
    path: '/api/orchestrations/replay',
    tag: 'replay',
    summary: "Replay a workflow's stored events (by workflow_id or sync_id), with dry_run",
    description: 'Re-applies stored events to the projections in offset order; never changes what an event reports. Replaying twice gives the same state.',
    body: replayWorkflowInputSchema,
    roles: OPERATOR_ROLES,
    responses: [200, 400, 401, 403, 404, 415],
  },
  {
    method: 'POST',
    path: '/api/orchestrations/replay/bulk',
    tag: 'replay',
    summary: 'Replay events by filter (failed events in a time range, of a type or agent, or by id), with a dry-run count and a cap',
    body: bulkReplayInputSchema,
    roles: OPERATOR_ROLES,
    responses: [200, 400, 401, 403, 404, 415],
  },
  { method: 'GET', path: '/api/orchestrations/replay', tag: 'replay', summary: 'Replay history', query: listReplaysInputSchema, roles: READ_ROLES, responses: [200, 400, 401, 403] },
  {
    method: 'GET',
    path: '/api/diagnostics/last-webhook',
    tag: 'diagnostics',
    summary: 'Recent webhook events (filters, cursor pages) and system_health',
    query: lastWebhookQuerySchema,
    roles: READ_ROLES,
    responses: [200, 400, 401, 403],
  },
  {
    method: 'POST',
    path: '/api/diagnostics/last-webhook',
    tag: 'diagnostics',
    summary: 'test_configuration (operator) or cleanup_old_events (admin); the body is JSON text whatever its content type',
    body: diagnosticsActionSchema,
    roles: OPERATOR_ROLES,
    responses: [200, 400, 401, 403, 413],
  },
  {
    method: 'GET',
    path: '/api/metrics',
    tag: 'metrics',
    summary: "The runbook's key metrics and dashboard series over a range (1h, 24h, 7d, or custom from/to); Prometheus text is at /metrics",
    query: metricsInputSchema,
    roles: READ_ROLES,
    responses: [200, 400, 401, 403],
  },
  {
    method: 'GET',
    path: '/api/alerts',
    tag: 'alerts',
    summary: 'Alerts: firing first, then history (rule, value, threshold, fired/resolved times)',
    query: listAlertsInputSchema,
    roles: READ_ROLES,
    responses: [200, 400, 401, 403],
  },
  { method: 'POST', path: '/api/auth/login', tag: 'console', summary: 'Console sign-in (sets an httpOnly session cookie)', body: loginInputSchema, responses: [200, 400, 401, 429] },
  { method: 'POST', path: '/api/auth/logout', tag: 'console', summary: 'Console sign-out', responses: [200] },
  { method: 'GET', path: '/api/auth/session', tag: 'console', summary: 'Who is signed in, and whether the console is open', responses: [200] },
];
