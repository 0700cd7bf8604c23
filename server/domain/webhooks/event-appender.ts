import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { dataExceptionMessage, isDatabaseUnavailable, withDeadline } from '../../db/db-errors';
import { webhookEvents } from '../../db/schema';
import { DomainError, unavailable, validationError } from '../errors';

export type AppendRow = Omit<typeof webhookEvents.$inferInsert, 'payload' | 'seq' | 'knownAgent'> & {
  id: string;
  // Required here: every column is an explicit placeholder, so defaults never apply.
  knownAgent: boolean;
  /** The body as received; stored as jsonb without being re-serialised. */
  payloadText: string;
};

export type AppendResult = { stored: true; id: string } | { stored: false; id: string };

interface Waiting {
  row: AppendRow;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

export interface EventAppenderOptions {
  maxBatch?: number;
  /** A flush that takes longer answers 503 instead of holding requests. */
  deadlineMs?: number;
  onStored?: () => void;
}

/**
 * Group commit for the webhook log. Concurrent requests' events are written
 * by one multi-row INSERT … ON CONFLICT DO NOTHING per flush, and each
 * request is answered only after that commit: a 202 always means durable,
 * and the unique dedup index decides "stored once" even across processes.
 * One flush is in flight at a time; the first is deferred to setImmediate so
 * that a burst arriving in the same tick forms one batch.
 */
export class EventAppender {
  private queue: Waiting[] = [];
  private flushing = false;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly deadlineMs: number;
  private readonly statements = new Map<number, ReturnType<typeof buildInsertStatement>>();

  constructor(
    private readonly db: Db,
    private readonly opts: EventAppenderOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 256;
    this.deadlineMs = opts.deadlineMs ?? 10_000;
  }

  append(row: AppendRow): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything queued so far has been answered. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private schedule(): void {
    if (this.flushing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      await withDeadline(this.write(batch), this.deadlineMs);
    } catch (e) {
      await this.fail(batch, e);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private async fail(batch: Waiting[], e: unknown): Promise<void> {
    if (batch.length > 1 && dataExceptionMessage(e)) {
      // One bad value fails the whole statement: retry one by one so that
      // only the guilty event is refused.
      for (const w of batch) {
        try {
          await withDeadline(this.write([w]), this.deadlineMs);
        } catch (single) {
          w.reject(toDomainError(single));
        }
      }
      return;
    }
    const err = toDomainError(e);
    for (const w of batch) w.reject(err);
  }

  /**
   * One prepared statement per batch size, built on first use: the hot path
   * neither rebuilds the SQL nor pays PostgreSQL's parse and plan per flush.
   */
  private insertStatement(rows: number) {
    let statement = this.statements.get(rows);
    if (!statement) {
      statement = buildInsertStatement(this.db, rows);
      this.statements.set(rows, statement);
    }
    return statement;
  }

  private async write(batch: Waiting[]): Promise<void> {
    // Copies of one event inside a batch: the first is inserted, the rest
    // are its duplicates.
    const byKey = new Map<string, Waiting[]>();
    for (const w of batch) {
      const same = byKey.get(w.row.dedupKey);
      if (same) same.push(w);
      else byKey.set(w.row.dedupKey, [w]);
    }
    const firsts = [...byKey.values()].map((ws) => ws[0]!.row);
    const inserted = await this.insertStatement(firsts.length).execute(placeholderValues(firsts));

    const storedKeys = new Set(inserted.map((r) => r.dedupKey));
    const missing = firsts.filter((r) => !storedKeys.has(r.dedupKey)).map((r) => r.dedupKey);
    const existing = new Map<string, string>();
    if (missing.length > 0) {
      const rows = await this.db
        .select({ id: webhookEvents.id, dedupKey: webhookEvents.dedupKey })
        .from(webhookEvents)
        .where(inArray(webhookEvents.dedupKey, missing));
      for (const r of rows) existing.set(r.dedupKey, r.id);
    }
    for (const [key, waiting] of byKey) {
      const stored = storedKeys.has(key);
      const id = stored ? waiting[0]!.row.id : existing.get(key);
      if (!id) {
        // Deleted between the conflict and the lookup (retention): store it again.
        for (const w of waiting) this.queue.push(w);
        continue;
      }
      waiting.forEach((w, i) => w.resolve({ stored: stored && i === 0, id }));
    }
    if (inserted.length > 0) this.opts.onStored?.();
  }
}

const COLUMNS = [
  'id',
  'dedupKey',
  'workflowId',
  'eventType',
  'agentId',
  'eventOffset',
  'sourceEventId',
  'payloadText',
  'payloadSize',
  'signatureScheme',
  'eventTimestamp',
  'receivedAt',
  'outcome',
  'outcomeError',
  'knownAgent',
  'correlationId',
  'sourceIp',
] as const satisfies readonly (keyof AppendRow)[];

function rowOfPlaceholders(i: number) {
  const p = (column: (typeof COLUMNS)[number]) => sql.placeholder(`${column}_${i}`);
  return {
    id: p('id'),
    dedupKey: p('dedupKey'),
    workflowId: p('workflowId'),
    eventType: p('eventType'),
    agentId: p('agentId'),
    eventOffset: p('eventOffset'),
    sourceEventId: p('sourceEventId'),
    // The raw text becomes jsonb in the database, not re-serialised here.
    payload: sql`${p('payloadText')}::jsonb`,
    payloadSize: p('payloadSize'),
    signatureScheme: p('signatureScheme'),
    // Cast in SQL: Drizzle's own date mapping cannot take a null placeholder.
    eventTimestamp: sql`${p('eventTimestamp')}::timestamptz`,
    receivedAt: sql`${p('receivedAt')}::timestamptz`,
    outcome: p('outcome'),
    outcomeError: p('outcomeError'),
    knownAgent: p('knownAgent'),
    correlationId: p('correlationId'),
    sourceIp: p('sourceIp'),
  };
}

function buildInsertStatement(db: Db, rows: number) {
  return db
    .insert(webhookEvents)
    .values(Array.from({ length: rows }, (_, i) => rowOfPlaceholders(i)))
    .onConflictDoNothing({ target: webhookEvents.dedupKey })
    .returning({ id: webhookEvents.id, dedupKey: webhookEvents.dedupKey })
    .prepare(`append_webhook_events_${rows}`);
}

// Placeholder names per row index, built once: the hot path only fills values.
const placeholderNames: string[][] = [];
const namesFor = (i: number) => (placeholderNames[i] ??= COLUMNS.map((column) => `${column}_${i}`));

function placeholderValues(rows: AppendRow[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const names = namesFor(i);
    for (let c = 0; c < COLUMNS.length; c++) {
      const v = row[COLUMNS[c]!];
      values[names[c]!] = v instanceof Date ? v.toISOString() : (v ?? null);
    }
  }
  return values;
}

function toDomainError(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  if (isDatabaseUnavailable(e)) return unavailable('The database is unavailable; the event was not stored. Retry later.', 5, e);
  const dataMessage = dataExceptionMessage(e);
  if (dataMessage) {
    return validationError(`The database refused this event: ${dataMessage}`, [{ path: '(body)', message: dataMessage }]);
  }
  return e;
}
