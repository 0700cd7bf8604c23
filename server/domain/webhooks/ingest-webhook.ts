import type { Ctx } from '../context';
import { type DomainError, unauthorized, validationError } from '../errors';
import { type AcceptEventResult, acceptEvent } from './accept-event';
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
 * Every refusal is recorded (never the unverified body).
 */
export async function ingestWebhook({ ctx, input }: { ctx: Ctx; input: IngestWebhookInput }): Promise<AcceptEventResult> {
  const sig = ctx.verifier.verify({ rawBody: input.rawBody, headers: input.headers, now: input.receivedAt });
  const refuse = (reason: RejectionReason, error: DomainError) => {
    ctx.rejections.record({
      reason,
      detail: error.message,
      sourceIp: input.sourceIp,
      body: input.rawBody,
      signatureScheme: sig.scheme,
      correlationId: input.correlationId,
    });
    return error;
  };

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
