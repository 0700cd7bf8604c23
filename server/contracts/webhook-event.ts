import { z } from 'zod';

export const EVENT_TYPES = [
  'workflow.started',
  'agent.started',
  'agent.completed',
  'agent.failed',
  'workflow.completed',
  'workflow.failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EXECUTION_STATUSES = ['success', 'failure', 'pending', 'timeout'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const OUTCOMES = ['success', 'failure', 'in_progress'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const PROCESSING_STATUSES = ['pending', 'processed', 'failed'] as const;
export type ProcessingStatus = (typeof PROCESSING_STATUSES)[number];

/** How a stored event was authenticated: an OSA or Standard Webhooks signature, or Opal's tool call. */
export const SIGNATURE_SCHEMES = ['osa', 'standard_webhooks', 'opal_tool'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

const identifier = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

// ISO 8601 text, or epoch milliseconds.
const eventTimestamp = z.union([
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time'),
  z.number().finite().nonnegative(),
]);

const offset = z.int('must be an integer').min(0, 'must be non-negative').max(2_147_483_647);

/**
 * Opal's callback body. Objects are loose: fields this schema does not name
 * are kept in the stored payload and are never a reason to refuse an event.
 */
export const webhookEventSchema = z
  .looseObject({
    event_type: z.enum(EVENT_TYPES),
    workflow_id: identifier,
    agent_id: identifier.optional(),
    offset,
    timestamp: eventTimestamp,
    event_id: identifier.optional(),
    execution_status: z.enum(EXECUTION_STATUSES).optional(),
    agent_data: z.unknown().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((e) => !e.event_type.startsWith('agent.') || e.agent_id !== undefined, {
    path: ['agent_id'],
    message: 'is required for agent events',
  });
export type WebhookEventBody = z.infer<typeof webhookEventSchema>;

/** The original tool relay's format: no `event_type`, an agent's `execution_status` instead. */
export const relayEventSchema = z.looseObject({
  workflow_id: identifier,
  agent_id: identifier,
  execution_status: z.enum(EXECUTION_STATUSES),
  offset: offset.optional(),
  timestamp: eventTimestamp.optional(),
  event_id: identifier.optional(),
  agent_data: z.unknown().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type RelayEventBody = z.infer<typeof relayEventSchema>;
