import { z } from 'zod';
import { EVENT_TYPES, OUTCOMES, PROCESSING_STATUSES } from './webhook-event';

/**
 * One workflow as folded from its callbacks (domain/workflows/describe-workflow):
 * shared by the polling URL (`GET /api/opal/sync/:sync_id`) and the console's
 * workflow detail.
 */

const instant = z.iso.datetime();
const count = z.int().nonnegative();

export const WORKFLOW_STATUSES = ['running', 'completed', 'failed', 'timed_out'] as const;
export const workflowStatusSchema = z
  .enum(WORKFLOW_STATUSES)
  .describe('running until workflow.completed or workflow.failed; timed_out after OPAL_WORKFLOW_TIMEOUT_MIN without an event');
export type WorkflowStatus = z.infer<typeof workflowStatusSchema>;

export const AGENT_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const workflowStateSchema = z.strictObject({
  workflow_id: z.string().describe("Opal's id of this strategy_workflow run"),
  status: workflowStatusSchema,
  started_at: instant.nullable().describe('From workflow.started; null until that event is processed'),
  finished_at: instant.nullable().describe('From workflow.completed or workflow.failed'),
  duration_ms: z.int().nullable().describe('finished_at minus started_at; null until both are known'),
  last_event_at: instant.describe('The newest processed event of this workflow'),
  event_count: count.describe('Processed events folded into this state'),
  error: z.string().nullable().describe("Opal's failure text from workflow.failed"),
  unknown_agents: z.array(z.string()).describe('Reported agents that are not among the nine of strategy_workflow (recorded, not refused)'),
});
export type WorkflowState = z.infer<typeof workflowStateSchema>;

export const workflowProgressSchema = z.strictObject({
  agents_total: count.describe('The nine agents of strategy_workflow'),
  agents_completed: count,
  agents_failed: count,
  agents_running: count,
  agents_pending: count.describe('No callback about this agent processed yet'),
});
export type WorkflowProgress = z.infer<typeof workflowProgressSchema>;

export const agentRunSchema = z.strictObject({
  agent_id: z.string(),
  known_agent: z.boolean().describe('One of the nine agents of strategy_workflow'),
  status: z.enum(AGENT_STATUSES).describe('pending until a callback about this agent is processed'),
  started_at: instant.nullable(),
  finished_at: instant.nullable(),
  duration_ms: z.int().nullable(),
  error: z.string().nullable().describe("Opal's error text from agent.failed"),
});
export type AgentRun = z.infer<typeof agentRunSchema>;

export const workflowEventSchema = z.strictObject({
  event_id: z.uuid().describe("This server's id of the stored event"),
  event_type: z.enum(EVENT_TYPES),
  agent_id: z.string().nullable(),
  offset: z.int().nonnegative().nullable().describe("The event's position in its workflow; null for a relay-format event without one"),
  received_at: instant,
  processing_status: z.enum(PROCESSING_STATUSES).describe('Whether this server applied it (failed: a replay fixes it)'),
  processing_ms: z.int().nullable().describe('Arrival until applied; null while pending'),
  outcome: z.enum(OUTCOMES).describe('What the event reports (failure: Opal reported one; a replay cannot change it)'),
  error_message: z.string().nullable().describe('"processing failed: ..." (ours) or "Opal reported ..." (theirs); null without a failure'),
});
export type WorkflowEvent = z.infer<typeof workflowEventSchema>;

/** The fields describeWorkflow returns, to spread into an answer's strictObject. */
export const workflowTimelineShape = {
  workflow: workflowStateSchema.nullable().describe('Null until a callback of this workflow has been processed'),
  progress: workflowProgressSchema,
  agents: z.array(agentRunSchema).describe('The nine agents in their fixed order, then any unknown agent'),
  events: z.array(workflowEventSchema).describe('In offset order (ties by arrival), the first 500 at most'),
};
