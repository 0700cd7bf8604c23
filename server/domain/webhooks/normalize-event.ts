import {
  type EventType,
  type ExecutionStatus,
  type Outcome,
  relayEventSchema,
  webhookEventSchema,
} from '../../contracts/webhook-event';
import { isStrategyAgent } from '../../contracts/strategy-workflow';
import { validationError } from '../errors';
import { fieldErrorsOf } from '../shared/parse-input';
import { outcomeErrorOf, outcomeOf } from './event-outcome';

export interface NormalizedEvent {
  eventType: EventType;
  workflowId: string;
  agentId: string | undefined;
  offset: number | undefined;
  timestamp: Date | undefined;
  sourceEventId: string | undefined;
  executionStatus: ExecutionStatus | undefined;
  agentData: unknown;
  outcome: Outcome;
  outcomeError: string | undefined;
  /** An agent outside the nine is recorded and flagged, not refused. */
  knownAgent: boolean;
}

const RELAY_EVENT_TYPE: Record<ExecutionStatus, EventType> = {
  success: 'agent.completed',
  failure: 'agent.failed',
  timeout: 'agent.failed',
  pending: 'agent.started',
};

function toDate(t: string | number | undefined): Date | undefined {
  if (t === undefined) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Validates a parsed callback body and maps both accepted formats onto one
 * event. Throws a Validation error naming every bad field.
 */
export function normalizeEvent(body: unknown): NormalizedEvent {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationError('The body must be a JSON object.', [{ path: '(body)', message: 'must be a JSON object' }]);
  }
  const isRelayFormat = !('event_type' in body);
  if (isRelayFormat && 'execution_status' in body) {
    const parsed = relayEventSchema.safeParse(body);
    if (!parsed.success) throw validationError('The event does not match the relay format.', fieldErrorsOf(parsed.error));
    const e = parsed.data;
    const eventType = RELAY_EVENT_TYPE[e.execution_status];
    return finish(e, eventType, e.agent_id);
  }
  const parsed = webhookEventSchema.safeParse(body);
  if (!parsed.success) throw validationError('The event is not valid.', fieldErrorsOf(parsed.error));
  const e = parsed.data;
  return finish(e, e.event_type, e.event_type.startsWith('agent.') ? e.agent_id : undefined);
}

function finish(
  e: {
    workflow_id: string;
    offset?: number | undefined;
    timestamp?: string | number | undefined;
    event_id?: string | undefined;
    execution_status?: ExecutionStatus | undefined;
    agent_data?: unknown;
  } & Record<string, unknown>,
  eventType: EventType,
  agentId: string | undefined,
): NormalizedEvent {
  const outcome = outcomeOf(eventType, e.execution_status);
  return {
    eventType,
    workflowId: e.workflow_id,
    agentId,
    offset: e.offset,
    timestamp: toDate(e.timestamp),
    sourceEventId: e.event_id,
    executionStatus: e.execution_status,
    agentData: e.agent_data,
    outcome,
    outcomeError: outcome === 'failure' ? outcomeErrorOf(e, eventType, e.execution_status) : undefined,
    knownAgent: agentId === undefined || isStrategyAgent(agentId),
  };
}
