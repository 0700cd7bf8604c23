import { defineVerb } from '../access/define-verb';
import type { RequestCtx } from '../access/request-context';
import type { Ctx } from '../context';
import { type DomainError, unauthorized, validationError } from '../errors';
import { type AcceptEventResult, acceptEvent } from './accept-event';
import { recordRefusal } from './record-refusal';
import type { RejectionReason } from './rejection-recorder';

export interface IngestWebhookInput {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  sourceIp: string | undefined;
  correlationId: string;
  receivedAt: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `POST /api/webhooks/opal-workflow`: verifies the signature on the raw
 * bytes before anything is parsed, then hands the event to acceptEvent.
 * Every refusal from here on is recorded here, and only here (never the
 * unverified body): the route passes these errors on unrecorded.
 */
export async function ingestWebhook({ ctx, input }: { ctx: Ctx; input: IngestWebhookInput }): Promise<AcceptEventResult> {
  const sig = ctx.verifier.verify({ rawBody: input.rawBody, headers: input.headers, now: input.receivedAt });
  const refuse = (reason: RejectionReason, error: DomainError) =>
    recordRefusal(ctx, {
      reason,
      error,
      sourceIp: input.sourceIp,
      correlationId: input.correlationId,
      body: input.rawBody,
      signatureScheme: sig.scheme,
    });

  if (!sig.ok) {
    const title = sig.reason === 'stale_timestamp' || sig.reason === 'future_timestamp' ? 'Timestamp Rejected' : 'Invalid Signature';
    throw refuse(sig.reason, unauthorized(title, sig.message));
  }

  let text: string;
  let body: unknown;
  try {
    text = utf8.decode(input.rawBody);
  } catch {
    throw refuse('malformed_body', validationError('The body is not valid UTF-8.'));
  }
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw refuse('malformed_body', validationError(`The body is not valid JSON: ${(e as Error).message}`));
  }
  return acceptEvent({
    ctx,
    input: {
      body,
      text,
      size: input.rawBody.length,
      source: sig.scheme,
      webhookId: sig.webhookId,
      sourceIp: input.sourceIp,
      correlationId: input.correlationId,
      receivedAt: input.receivedAt,
      refuse,
    },
  });
}

/** The webhook route's verb: anyone may deliver; the signature, checked by ingestWebhook, is the credential. */
export const receiveWebhook = defineVerb({
  action: 'webhooks.receive',
  access: 'public',
  run: ({ ctx, input }: { ctx: RequestCtx; input: Pick<IngestWebhookInput, 'rawBody' | 'headers' | 'receivedAt'> }) =>
    ingestWebhook({ ctx, input: { ...input, sourceIp: ctx.sourceIp, correlationId: ctx.correlationId } }),
});
