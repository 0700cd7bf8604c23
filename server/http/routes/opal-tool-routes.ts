import { z } from 'zod';
import { toolDiscoverySchema, toolEventAcceptedSchema, toolEventDuplicateSchema } from '../../contracts/webhook-answers';
import { webhookEventSchema } from '../../contracts/webhook-event';
import { discoverOpalTools, SEND_WORKFLOW_EVENT_PATH } from '../../domain/opal-tools/tool-registry';
import { receiveToolEvent } from '../../domain/opal-tools/receive-tool-event';
import { okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';

/** Opal's custom-tool path: discovery, and the tool that reports workflow events. */
export const opalToolRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/opal/discovery',
    operationId: 'discoverTools',
    tag: 'opal tools',
    summary: "Custom tools in Opal's tools SDK discovery format",
    verb: discoverOpalTools,
    responses: { 200: toolDiscoverySchema },
    answer: (r) => ({ status: 200, body: r }),
  }),
  defineRoute({
    method: 'post',
    path: SEND_WORKFLOW_EVENT_PATH,
    operationId: 'sendWorkflowEvent',
    tag: 'opal tools',
    summary: 'Opal custom-tool call: report a workflow event (202 stored, 200 a repeat)',
    verb: receiveToolEvent,
    body: { reader: 'json', schema: z.object({ parameters: webhookEventSchema }), validatedByVerb: true },
    security: [{ toolToken: [] }],
    input: ({ req, ctx }) => ({ authorization: req.headers.authorization, body: req.body as unknown, receivedAt: ctx.now() }),
    responses: { 202: okBody(toolEventAcceptedSchema), 200: okBody(toolEventDuplicateSchema) },
    errors: [401],
    answer: (r, { ctx }) =>
      r.kind === 'stored'
        ? { status: 202, body: { success: true, status: 'accepted', event_id: r.eventId, workflow_id: r.workflowId, correlation_id: ctx.correlationId } }
        : { status: 200, body: { success: true, duplicate: true, event_id: r.eventId, workflow_id: r.workflowId, correlation_id: ctx.correlationId } },
  }),
];
