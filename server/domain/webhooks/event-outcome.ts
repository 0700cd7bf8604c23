import type { EventType, ExecutionStatus, Outcome } from '../../contracts/webhook-event';

/**
 * What an event reports, kept apart from whether we processed it: a failure
 * reported by Opal is a fact about the workflow that replay cannot change.
 */
export function outcomeOf(eventType: EventType, executionStatus: ExecutionStatus | undefined): Outcome {
  if (eventType === 'agent.failed' || eventType === 'workflow.failed') return 'failure';
  if (executionStatus === 'failure' || executionStatus === 'timeout') return 'failure';
  if (eventType === 'agent.completed' || eventType === 'workflow.completed') return 'success';
  return 'in_progress';
}

const asText = (v: unknown): string | undefined => {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') {
    return asText((v as { message: string }).message);
  }
  return undefined;
};

const MAX_ERROR_TEXT = 2000;

/** Opal's own error text for a failure, wherever in the body it was put. */
export function outcomeErrorOf(
  body: Record<string, unknown>,
  eventType: EventType,
  executionStatus: ExecutionStatus | undefined,
): string {
  const agentData = body.agent_data && typeof body.agent_data === 'object' ? (body.agent_data as Record<string, unknown>) : {};
  const metadata = body.metadata && typeof body.metadata === 'object' ? (body.metadata as Record<string, unknown>) : {};
  const text =
    asText(body.error) ??
    asText(body.error_message) ??
    asText(agentData.error) ??
    asText(agentData.error_message) ??
    asText(metadata.error);
  const fallback =
    executionStatus === 'timeout' ? `${eventType} reported execution_status timeout` : `${eventType} reported by Opal`;
  return (text ?? fallback).slice(0, MAX_ERROR_TEXT);
}
