import { z } from 'zod';
import { SYNC_KINDS, SYNC_SCOPES } from './force-sync';
import { EVENT_TYPES, OUTCOMES, PROCESSING_STATUSES, SIGNATURE_SCHEMES } from './webhook-event';
import { WORKFLOW_STATUSES, workflowStatusSchema, workflowTimelineShape } from './workflow-timeline';

export const WORKFLOW_STATUS_FILTER = [...WORKFLOW_STATUSES, 'all'] as const;

export const listWorkflowsInputSchema = z.strictObject({
  status: z.enum(WORKFLOW_STATUS_FILTER).default('all'),
  /** Part of a workflow id. */
  search: z.string().trim().max(200).optional(),
  limit: z.int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListWorkflowsInput = z.input<typeof listWorkflowsInputSchema>;

export const workflowIdInputSchema = z.strictObject({ workflowId: z.string().trim().min(1).max(200) });
export const eventIdInputSchema = z.strictObject({ eventId: z.uuid() });

// ---- answers ----

const instant = z.iso.datetime();
const count = z.int().nonnegative();

/** One row of the Workflows screen. */
export const workflowSummarySchema = z.strictObject({
  workflow_id: z.string().describe("Opal's id of this strategy_workflow run"),
  status: workflowStatusSchema,
  started_at: instant.nullable(),
  finished_at: instant.nullable(),
  last_event_at: instant,
  duration_ms: z.int().nullable(),
  event_count: count,
  error: z.string().nullable(),
  unknown_agents: z.array(z.string()),
  agents_total: count.describe('The nine agents of strategy_workflow'),
  agents_completed: count.describe('Of the nine known agents'),
  agents_failed: count.describe('Of the nine known agents'),
  sync_id: z.string().nullable().describe('The force sync that started it (a UUID); null when it was started elsewhere'),
  client_name: z.string().nullable(),
});
export type WorkflowSummary = z.infer<typeof workflowSummarySchema>;

/** `workflows.list`: newest activity first. */
export const workflowsPageSchema = z.strictObject({
  workflows: z.array(workflowSummarySchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});
export type WorkflowsPage = z.infer<typeof workflowsPageSchema>;

/** `workflows.get`: the timeline, and the force sync that started it when this server did. */
export const workflowDetailSchema = z.strictObject({
  ...workflowTimelineShape,
  sync: z
    .strictObject({
      sync_id: z.string().describe('A UUID'),
      kind: z.enum(SYNC_KINDS),
      requested_by: z.string().describe('The API key name, the session user, or "anonymous" (development)'),
      sync_scope: z.enum(SYNC_SCOPES).nullable().describe('Null for a trigger'),
      client_name: z.string().nullable(),
      requested_at: instant,
    })
    .nullable()
    .describe('The newest force sync that started this workflow; null when it was triggered elsewhere'),
  can_rerun: z.boolean().describe('True when this server started it, so its original inputs are known'),
});
export type WorkflowDetail = z.infer<typeof workflowDetailSchema>;

/** `events.get`: one stored event, both of its states, and its sanitised payload. */
export const eventDetailSchema = z.strictObject({
  event_id: z.uuid(),
  workflow_id: z.string(),
  event_type: z.enum(EVENT_TYPES),
  agent_id: z.string().nullable(),
  known_agent: z.boolean().describe('False for an agent outside the nine of strategy_workflow'),
  offset: z.int().nonnegative().nullable(),
  source_event_id: z.string().nullable().describe("The sender's event_id, when it sent one"),
  signature_scheme: z.enum(SIGNATURE_SCHEMES).describe('How the delivery was authenticated'),
  payload: z.record(z.string(), z.unknown()).describe('The body as received, credential-looking values replaced by "[redacted]"'),
  payload_size: count.describe('Bytes'),
  event_timestamp: instant.nullable().describe("The sender's timestamp"),
  received_at: instant,
  processed_at: instant.nullable(),
  processing_ms: z.int().nullable(),
  processing_status: z.enum(PROCESSING_STATUSES),
  processing_error: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
  outcome_error: z.string().nullable().describe("Opal's error text for a reported failure"),
  failure_kind: z.enum(['processing', 'reported']).nullable().describe("processing (ours) wins over reported (Opal's) when both apply"),
  correlation_id: z.string(),
  duplicate_count: count.describe('Copies that arrived after this event was stored (OSA 409s, Standard Webhooks duplicates): received 1 + this many times'),
  last_duplicate_at: instant.nullable().describe('When the last copy arrived; null without copies'),
});
export type EventDetail = z.infer<typeof eventDetailSchema>;
