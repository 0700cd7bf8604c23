import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context';
import { DomainError, unauthorized, validationError } from '../errors';
import { dedupKeyOf } from './dedup-key';
import { findJsonbHazard } from './jsonb-hazards';
import { normalizeEvent } from './normalize-event';

export interface IngestWebhookInput {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  sourceIp: string | undefined;
  correlationId: string;
  receivedAt: number;
}

export type IngestWebhookResult =
  | { kind: 'stored'; eventId: string; workflowId: string; scheme: string }
  /** A Standard Webhooks repeat: its senders retry every non-2xx, so it is a 200. */
  | { kind: 'duplicate'; eventId: string; workflowId: string; scheme: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies, validates and durably appends one Opal callback. The answer
 * comes only after the commit. A repeat is stored once: OSA deliveries get a
 * Conflict naming the original event, Standard Webhooks deliveries a
 * duplicate result. Every refusal is recorded (never the unverified body).
 */
export async function ingestWebhook({ ctx, input }: { ctx: Ctx; input: IngestWebhookInput }): Promise<IngestWebhookResult> {
  const refuse = (reason: Parameters<Ctx['rejections']['record']>[0]['reason'], error: DomainError, scheme?: string) => {
    ctx.rejections.record({
      reason,
      detail: error.message,
      sourceIp: input.sourceIp,
      body: input.rawBody,
      signatureScheme: scheme,
      correlationId: input.correlationId,
    });
    return error;
  };

  // The signature is checked on the raw bytes before anything is parsed.
  const sig = ctx.verifier.verify({ rawBody: input.rawBody, headers: input.headers, now: input.receivedAt });
  if (!sig.ok) {
    const title = sig.reason === 'stale_timestamp' || sig.reason === 'future_timestamp' ? 'Timestamp Rejected' : 'Invalid Signature';
    throw refuse(sig.reason, unauthorized(title, sig.message), sig.scheme);
  }

  let text: string;
  let body: unknown;
  try {
    text = utf8.decode(input.rawBody);
  } catch {
    throw refuse('malformed_body', validationError('The body is not valid UTF-8.'), sig.scheme);
  }
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw refuse('malformed_body', validationError(`The body is not valid JSON: ${(e as Error).message}`), sig.scheme);
  }
  const hazard = findJsonbHazard(body, text);
  if (hazard) {
    throw refuse('malformed_body', validationError(`The body cannot be stored: ${hazard}.`, [{ path: hazard.split(':')[0]!, message: hazard }]), sig.scheme);
  }
  let event;
  try {
    event = normalizeEvent(body);
  } catch (e) {
    throw e instanceof DomainError ? refuse('invalid_event', e, sig.scheme) : e;
  }

  const id = randomUUID();
  const result = await ctx.appender.append({
    id,
    dedupKey: dedupKeyOf({ ...event, webhookId: sig.webhookId }),
    workflowId: event.workflowId,
    eventType: event.eventType,
    agentId: event.agentId,
    eventOffset: event.offset,
    sourceEventId: event.sourceEventId,
    payloadText: text,
    payloadSize: input.rawBody.length,
    signatureScheme: sig.scheme,
    eventTimestamp: event.timestamp,
    receivedAt: new Date(input.receivedAt),
    outcome: event.outcome,
    outcomeError: event.outcomeError,
    knownAgent: event.knownAgent,
    correlationId: input.correlationId,
    sourceIp: input.sourceIp,
  });
  if (result.stored) {
    return { kind: 'stored', eventId: result.id, workflowId: event.workflowId, scheme: sig.scheme };
  }
  if (sig.scheme === 'standard_webhooks') {
    return { kind: 'duplicate', eventId: result.id, workflowId: event.workflowId, scheme: sig.scheme };
  }
  throw new DomainError('Conflict', 'Duplicate Event', `This event was already received and stored as ${result.id}.`, {
    details: { event_id: result.id },
  });
}
