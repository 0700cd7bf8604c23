import { z } from 'zod';

/**
 * What the webhook receiver (`/api/webhooks/opal-workflow`) and Opal's
 * custom-tool path (`/api/opal/discovery`, `/api/opal/tools/send_workflow_event`)
 * answer, without `success`.
 */

const eventId = z.uuid().describe("This server's id of the stored event");
const correlationId = z.string().describe('Also the X-Correlation-Id header');
const workflowId = z.string().describe('The workflow the event belongs to');

/** 202: the event is durable. */
export const webhookAcceptedSchema = z.strictObject({
  status: z.literal('accepted'),
  event_id: eventId,
  correlation_id: correlationId,
});
export type WebhookAccepted = z.infer<typeof webhookAcceptedSchema>;

/** 200: a Standard Webhooks repeat, stored once (an OSA repeat is a 409 error body instead). */
export const webhookDuplicateSchema = z.strictObject({
  duplicate: z.literal(true),
  event_id: eventId.describe('The event stored by the first delivery'),
  correlation_id: correlationId,
});
export type WebhookDuplicate = z.infer<typeof webhookDuplicateSchema>;

/** 202 from the tool path. */
export const toolEventAcceptedSchema = webhookAcceptedSchema.extend({ workflow_id: workflowId });
export type ToolEventAccepted = z.infer<typeof toolEventAcceptedSchema>;

/** 200 from the tool path: the same workflow_id and event_id was stored before. */
export const toolEventDuplicateSchema = webhookDuplicateSchema.extend({ workflow_id: workflowId });
export type ToolEventDuplicate = z.infer<typeof toolEventDuplicateSchema>;

const count = z.int().nonnegative();

/** `GET /api/webhooks/opal-workflow`: what the receiver accepts, and counts of the last 24 hours. */
export const receiverStatusSchema = z.strictObject({
  receiver: z.literal('opal-workflow'),
  accepting: z.boolean(),
  signature_schemes: z.array(
    z.strictObject({
      name: z.enum(['osa', 'standard_webhooks']),
      header: z.string().describe('The headers a signed delivery carries'),
    }),
  ),
  timestamp_window: z
    .strictObject({ max_age_seconds: count, max_future_seconds: count })
    .describe('A signature timestamp outside this window is refused'),
  max_body_bytes: count.describe('WEBHOOK_MAX_BYTES: a larger body is refused with 413'),
  last_24h: z.strictObject({
    events_received: count,
    processing_failures: count.describe('Events this server failed to apply (a replay fixes them)'),
    reported_failures: count.describe('Events in which Opal reported a failure'),
    pending_events: count,
    refused_deliveries: count.describe('Deliveries refused for any reason'),
    signature_failures: count.describe('Refused for a missing, malformed or wrong signature or a timestamp outside the window'),
    signature_failure_rate: z.number().min(0).max(100).describe('Percent of signed deliveries whose signature failed (two decimals)'),
  }),
  last_event_at: z.iso.datetime().nullable().describe('The newest stored event, any age'),
});
export type ReceiverStatus = z.infer<typeof receiverStatusSchema>;

/** The parameter types of Opal's tools SDK. */
export const TOOL_PARAMETER_TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object'] as const;

/** `GET /api/opal/discovery`: the custom tools Opal may call, in the format of Opal's tools SDK. */
export const toolDiscoverySchema = z.strictObject({
  functions: z.array(
    z.strictObject({
      name: z.string(),
      description: z.string(),
      parameters: z.array(
        z.strictObject({
          name: z.string(),
          type: z.enum(TOOL_PARAMETER_TYPES),
          description: z.string(),
          required: z.boolean(),
        }),
      ),
      endpoint: z.string().describe('Path of the tool, relative to base_url'),
      http_method: z.literal('POST'),
      auth_requirements: z
        .array(z.strictObject({ provider: z.string(), scope_bundle: z.string(), required: z.boolean() }))
        .optional()
        .describe('Present when OPAL_TOOL_TOKEN is set: Opal sends it as a bearer token'),
    }),
  ),
  base_url: z.url().describe('BASE_URL of this server'),
});
export type ToolDiscovery = z.infer<typeof toolDiscoverySchema>;
