import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { webhookRejections } from '../../db/schema';

export type RejectionReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'invalid_signature'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'malformed_body'
  | 'invalid_event'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unauthorized_tool_call';

export interface Rejection {
  reason: RejectionReason;
  detail?: string | undefined;
  sourceIp?: string | undefined;
  body?: Buffer | undefined;
  bodySize?: number | undefined;
  signatureScheme?: string | undefined;
  correlationId?: string | undefined;
}

/**
 * Writes refused deliveries to webhook_rejections without letting a flood of
 * refusals become a flood of writes: up to `perMinuteCap` rows a minute are
 * written one by one, the rest are counted and written as one aggregate row
 * per reason (`occurrences` > 1). Writes happen after the answer; a refusal
 * never waits for the database, and a write that fails is only logged.
 */
export class RejectionRecorder {
  private windowStart = 0;
  private writtenInWindow = 0;
  private overflow = new Map<RejectionReason, number>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly perMinuteCap = 100,
  ) {}

  record(r: Rejection): void {
    const now = this.now();
    if (now - this.windowStart >= 60_000) {
      this.flushOverflow();
      this.windowStart = now;
      this.writtenInWindow = 0;
    }
    if (this.writtenInWindow >= this.perMinuteCap) {
      this.overflow.set(r.reason, (this.overflow.get(r.reason) ?? 0) + 1);
      this.timer ??= setTimeout(() => this.flushOverflow(), 5_000).unref();
      return;
    }
    this.writtenInWindow++;
    this.track(
      this.db.insert(webhookRejections).values({
        id: randomUUID(),
        receivedAt: new Date(now),
        reason: r.reason,
        detail: r.detail?.slice(0, 500),
        sourceIp: r.sourceIp,
        bodySize: r.bodySize ?? r.body?.length,
        bodySha256: r.body ? createHash('sha256').update(r.body).digest('hex') : undefined,
        signatureScheme: r.signatureScheme,
        correlationId: r.correlationId,
      }),
    );
  }

  /** Writes what is counted and waits for every pending write (shutdown, tests). */
  async flush(): Promise<void> {
    this.flushOverflow();
    await Promise.allSettled([...this.inFlight]);
  }

  private flushOverflow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.overflow.size === 0) return;
    const counts = [...this.overflow];
    this.overflow = new Map();
    const at = new Date(this.now());
    this.track(
      this.db.insert(webhookRejections).values(
        counts.map(([reason, n]) => ({
          id: randomUUID(),
          receivedAt: at,
          reason,
          detail: `${n} refusals over the cap of ${this.perMinuteCap} a minute, counted not stored one by one`,
          occurrences: n,
        })),
      ),
    );
  }

  private track(write: PromiseLike<unknown>): void {
    const p = Promise.resolve(write).catch((e: unknown) => {
      this.logger.warn({ err: e }, 'could not record a webhook rejection');
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}
