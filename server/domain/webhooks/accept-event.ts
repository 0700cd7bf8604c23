import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context';
import { DomainError, validationError } from '../errors';
import { dedupKeyOf } from './dedup-key';
import { findJsonbHazard } from './jsonb-hazards';
import { normalizeEvent } from './normalize-event';
import type { RejectionReason } from './rejection-recorder';

export type EventSource = 'osa' | 'standard_webhooks' | 'opal_tool';

export interface AcceptEventInput {
  /** The parsed body, and the text it was parsed from (stored as received). */
  body: unknown;
  text: string;
  size: number;
  source: EventSource;
  webhookId: string | undefined;
  sourceIp: string | undefined;
  correlationId: string;
  receivedAt: number;
  /** Records a refusal; the caller knows what it may keep of the delivery. */
  refuse: (reason: RejectionReason, error: DomainError) => DomainError;
}

export type AcceptEventResult =
  | { kind: 'stored'; eventId: string; workflowId: string }
  /** A repeat, for senders that want a 2xx for it (Standard Webhooks, Opal tools). */
  | { kind: 'duplicate'; eventId: string; workflowId: string };

/**
 * The one path every callback takes once its sender is authenticated (a
 * signed webhook or an Opal tool call): refuse what the database cannot
 * hold, validate, then append durably. A repeat of an OSA delivery is a
 * Conflict naming the original, the runbook's rule.
 */
export async function acceptEvent({ ctx, input }: { ctx: Ctx; input: AcceptEventInput }): Promise<AcceptEventResult> {
  const hazard = findJsonbHazard(input.body, input.text);
  if (hazard) {
    const path = hazard.split(':')[0]!;
    throw input.refuse('malformed_body', validationError(`The body cannot be stored: ${hazard}.`, [{ path, message: hazard }]));
  }
  let event;
  try {
    event = normalizeEvent(input.body);
  } catch (e) {
    throw e instanceof DomainError ? input.refuse('invalid_event', e) : e;
  }

  const result = await ctx.appender.append({
    id: randomUUID(),
    dedupKey: dedupKeyOf({ ...event, webhookId: input.webhookId }),
    workflowId: event.workflowId,
    eventType: event.eventType,
    agentId: event.agentId,
    eventOffset: event.offset,
    sourceEventId: event.sourceEventId,
    payloadText: input.text,
    payloadSize: input.size,
    signatureScheme: input.source,
    eventTimestamp: event.timestamp,
    receivedAt: new Date(input.receivedAt),
    outcome: event.outcome,
    outcomeError: event.outcomeError,
    knownAgent: event.knownAgent,
    correlationId: input.correlationId,
    sourceIp: input.sourceIp,
  });
  if (result.stored) return { kind: 'stored', eventId: result.id, workflowId: event.workflowId };
  if (input.source !== 'osa') return { kind: 'duplicate', eventId: result.id, workflowId: event.workflowId };
  throw new DomainError('Conflict', 'Duplicate Event', `This event was already received and stored as ${result.id}.`, {
    details: { event_id: result.id },
  });
}
