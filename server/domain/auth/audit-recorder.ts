import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { auditLog } from '../../db/schema';
import { CappedWriter } from '../shared/capped-writer';

export interface AuditEntry {
  actor: string;
  action: string;
  outcome: 'success' | 'failure';
  target?: string | undefined;
  details?: Record<string, unknown> | undefined;
  sourceIp?: string | undefined;
  correlationId?: string | undefined;
}

type Row = typeof auditLog.$inferInsert;

/**
 * The audit log: who did what. Written after the answer; failures (which an
 * attacker controls the rate of) are capped per minute like rejections, with
 * an aggregate row carrying `details.count`.
 */
export class AuditRecorder {
  private readonly writer: CappedWriter<Row>;
  private readonly onRecord: ((e: AuditEntry) => void) | undefined;

  /** `onRecord` sees every entry, over the cap included (the metrics count authentication failures from it). */
  constructor(db: Db, logger: Logger, private readonly now: () => number, o: { perMinuteCap?: number; onRecord?: (e: AuditEntry) => void } = {}) {
    this.onRecord = o.onRecord;
    this.writer = new CappedWriter<Row>({
      perMinuteCap: o.perMinuteCap ?? 200,
      now,
      logger,
      what: 'an audit entry',
      groupOf: (r) => `${r.action}:${r.outcome}`,
      write: (rows) => db.insert(auditLog).values(rows),
      aggregate: (sample, count, cap, at) => ({
        id: randomUUID(),
        at,
        actor: 'many',
        action: sample.action,
        outcome: sample.outcome,
        details: { count, note: `${count} entries over the cap of ${cap} a minute, counted not stored one by one` },
      }),
    });
  }

  record(e: AuditEntry): void {
    this.onRecord?.(e);
    this.writer.record({ id: randomUUID(), at: new Date(this.now()), ...e });
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
