import type { Ctx } from '../context';
import type { DomainError } from '../errors';
import type { RejectionReason } from './rejection-recorder';

/** What may be kept of a refused delivery: its body only as size and hash, never the unverified text. */
export interface Refusal {
  reason: RejectionReason;
  error: DomainError;
  sourceIp: string | undefined;
  correlationId: string;
  /** The raw bytes, when they were read. */
  body?: Buffer | undefined;
  /** The declared size, when the body was never read. */
  bodySize?: number | undefined;
  signatureScheme?: string | undefined;
}

/**
 * The one place a refused webhook delivery becomes a webhook_rejections row,
 * whichever layer refused it (the route before the body is read, ingestWebhook
 * after): each delivery is recorded once, so the receiver's failure rate
 * counts it once. Gives the error back for the caller to throw or send.
 */
export function recordRefusal(ctx: Ctx, refusal: Refusal): DomainError {
  ctx.telemetry.observeRefusal(refusal.reason);
  ctx.rejections.record({
    reason: refusal.reason,
    detail: refusal.error.message,
    sourceIp: refusal.sourceIp,
    body: refusal.body,
    bodySize: refusal.bodySize,
    signatureScheme: refusal.signatureScheme,
    correlationId: refusal.correlationId,
  });
  return refusal.error;
}
