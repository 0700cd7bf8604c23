import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { webhookRejections } from '../../db/schema';
import { CappedWriter } from '../shared/capped-writer';

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

type Row = typeof webhookRejections.$inferInsert;

/**
 * Refused deliveries, written after the answer and capped per minute
 * (`occurrences` > 1 marks an aggregate row). Only a hash of the body is
 * kept: an unverified body is never stored.
 */
export class RejectionRecorder {
  private readonly writer: CappedWriter<Row>;

  constructor(db: Db, logger: Logger, private readonly now: () => number, perMinuteCap = 100) {
    this.writer = new CappedWriter<Row>({
      perMinuteCap,
      now,
      logger,
      what: 'a webhook rejection',
      groupOf: (r) => r.reason,
      write: (rows) => db.insert(webhookRejections).values(rows),
      aggregate: (sample, count, cap, at) => ({
        id: randomUUID(),
        receivedAt: at,
        reason: sample.reason,
        detail: `${count} refusals over the cap of ${cap} a minute, counted not stored one by one`,
        occurrences: count,
      }),
    });
  }

  record(r: Rejection): void {
    this.writer.record({
      id: randomUUID(),
      receivedAt: new Date(this.now()),
      reason: r.reason,
      detail: r.detail?.slice(0, 500),
      sourceIp: r.sourceIp,
      bodySize: r.bodySize ?? r.body?.length,
      bodySha256: r.body ? createHash('sha256').update(r.body).digest('hex') : undefined,
      signatureScheme: r.signatureScheme,
      correlationId: r.correlationId,
    });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
