import { z } from 'zod';
import {
  cleanupResultSchema,
  configurationReportSchema,
  type DiagnosticsActionInput,
  diagnosticsActionSchema,
  lastWebhookQuerySchema,
  lastWebhookResultSchema,
} from '../../contracts/diagnostics';
import { getLastWebhook } from '../../domain/diagnostics/get-last-webhook';
import { runDiagnosticsAction } from '../../domain/diagnostics/run-diagnostics-action';
import { ok, okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';
import { restReason } from './rest-reason';
import { RUNBOOK } from './runbook-examples';

const PATH = '/api/diagnostics/last-webhook';

export const diagnosticsRoutes = [
  defineRoute({
    method: 'get',
    path: PATH,
    operationId: 'getLastWebhooks',
    tag: 'diagnostics',
    summary: 'Recent webhook events (filters, cursor pages) and system_health',
    verb: getLastWebhook,
    query: lastWebhookQuerySchema,
    responses: { 200: okBody(lastWebhookResultSchema) },
    answer: (r) => ok(r),
  }),
  defineRoute({
    method: 'post',
    path: PATH,
    operationId: 'runDiagnosticsAction',
    tag: 'diagnostics',
    summary: 'test_configuration (operator) or cleanup_old_events (admin, with a reason); the body is JSON text whatever its content type',
    description:
      'The runbook sends `curl -d \'{"action": …}\'`, which curl labels application/x-www-form-urlencoded: the body is read as JSON text whatever its content type. An unknown action is answered 400 with the list of actions.',
    verb: runDiagnosticsAction,
    body: { reader: 'json-text', schema: diagnosticsActionSchema, limit: '16kb', contentTypes: ['application/json', 'application/x-www-form-urlencoded'] },
    input: ({ body, ctx }) => {
      const b = body as DiagnosticsActionInput;
      return b.action === 'cleanup_old_events' ? { ...b, reason: restReason(ctx, b.reason) } : b;
    },
    responses: {
      200: z.union([
        okBody(configurationReportSchema.extend({ action: z.literal('test_configuration') })),
        okBody(cleanupResultSchema.extend({ action: z.literal('cleanup_old_events') })),
      ]),
    },
    answer: (r) => ok(r),
    examples: { request: RUNBOOK.diagnosticsActions },
  }),
];
