import { randomUUID } from 'node:crypto';
import { like } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../../server/db/open-database';
import { webhookEvents } from '../../server/db/schema';
import { type EventBody, makeEvent, postOsa } from '../../server/test-support/webhook-client';
import { SECRET } from './server-process';

/** What one delivery attempt got. `connection`: no HTTP answer at all. */
export type Outcome =
  | { kind: 'accepted'; id: string }
  | { kind: 'duplicate'; id: string }
  | { kind: 'connection'; code: string }
  | { kind: 'status'; status: number; error: string };

interface Entry {
  body: EventBody;
  outcomes: Outcome[];
}

/** A unique prefix for one test's workflow ids: the stored rows are found by it. */
export const newRunId = (label: string) => `rel-${label}-${randomUUID().slice(0, 8)}`;

/** A fresh OSA event of this run (one workflow per event, so every event is unique). */
export const runEvent = (runId: string, n: string) => makeEvent({ workflow_id: `${runId}-${n}` });

/**
 * A sender's book: every event it sent and every answer it got, keyed by the
 * sender's own event id. "Acknowledged" means a 202 (or a 409 naming the
 * stored original on a re-send).
 */
export class Ledger {
  readonly entries = new Map<string, Entry>();

  sent(body: EventBody): void {
    if (!this.entries.has(body.event_id!)) this.entries.set(body.event_id!, { body, outcomes: [] });
  }

  record(body: EventBody, outcome: Outcome): void {
    this.entries.get(body.event_id!)!.outcomes.push(outcome);
  }

  /** Sender event id → the stored id the server named, from every 202 and 409. */
  acknowledged(): Map<string, Set<string>> {
    const acked = new Map<string, Set<string>>();
    for (const [sourceId, e] of this.entries) {
      for (const o of e.outcomes) {
        if (o.kind !== 'accepted' && o.kind !== 'duplicate') continue;
        const ids = acked.get(sourceId) ?? new Set<string>();
        ids.add(o.id);
        acked.set(sourceId, ids);
      }
    }
    return acked;
  }

  /** Events with no 202/409 yet: what a real sender re-sends. */
  unacknowledged(): EventBody[] {
    const acked = this.acknowledged();
    return [...this.entries.values()].filter((e) => !acked.has(e.body.event_id!)).map((e) => e.body);
  }

  count(kind: Outcome['kind']): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.outcomes.filter((o) => o.kind === kind).length;
    return n;
  }

  /** Answers other than 202/409/no-answer, for the failure message. */
  otherStatuses(): Outcome[] {
    return [...this.entries.values()].flatMap((e) => e.outcomes.filter((o) => o.kind === 'status'));
  }

  connectionCodes(): Record<string, number> {
    const codes: Record<string, number> = {};
    for (const e of this.entries.values()) {
      for (const o of e.outcomes) if (o.kind === 'connection') codes[o.code] = (codes[o.code] ?? 0) + 1;
    }
    return codes;
  }
}

function connectionCode(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return e instanceof Error ? e.message : String(e);
}

/** What an answer means for the ledger: a 202 or a 409 names the stored event. */
export function outcomeOf(status: number, body: Record<string, unknown>): Outcome {
  const id = typeof body.event_id === 'string' ? body.event_id : '';
  if (status === 202 && id) return { kind: 'accepted', id };
  if (status === 409 && id) return { kind: 'duplicate', id };
  return { kind: 'status', status, error: String(body.error ?? body.raw ?? '') };
}

/** The answer's body as JSON, `{}` when it is not (then only its status counts). */
export function jsonOf(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** One OSA-signed delivery (signed afresh, as a retrying sender does), bounded in time. */
export async function deliver(url: string, body: EventBody, timeoutMs = 30_000): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      postOsa(url, SECRET, body),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('no answer in time'), { cause: { code: 'TIMEOUT' } })), timeoutMs);
      }),
    ]);
    return outcomeOf(r.status, r.body);
  } catch (e) {
    return { kind: 'connection', code: connectionCode(e) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `senders` closed loops posting fresh events of the run until `stop()`
 * says so, `maxEvents` were sent, or `maxMs` passed. A sender that gets no
 * answer (the server is gone) stops, as a real one would back off.
 */
export async function runSenders(opts: {
  url: string;
  ledger: Ledger;
  runId: string;
  senders: number;
  maxEvents: number;
  maxMs: number;
  stop: () => boolean;
}): Promise<void> {
  let sent = 0;
  const until = Date.now() + opts.maxMs;
  await Promise.all(
    Array.from({ length: opts.senders }, async (_, s) => {
      for (let n = 0; !opts.stop() && sent < opts.maxEvents && Date.now() < until; n++) {
        sent++;
        const body = runEvent(opts.runId, `s${s}-${n}`);
        opts.ledger.sent(body);
        const outcome = await deliver(opts.url, body);
        opts.ledger.record(body, outcome);
        if (outcome.kind === 'connection') return;
      }
    }),
  );
}

export interface StoredEvent {
  id: string;
  sourceEventId: string | null;
}

export type StoreTarget = { driver: 'pglite'; dataDir: string } | { driver: 'postgres'; url: string };

/**
 * The run's rows of `webhook_events`, read straight from the database. A
 * PGlite data directory is opened the way the server opens it (pid lock and
 * all), so the server must have stopped.
 */
export async function storedEvents(target: StoreTarget, runId: string): Promise<StoredEvent[]> {
  if (target.driver === 'postgres') {
    const sql = postgres(target.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ id: string; source_event_id: string | null }[]>`
        select id, source_event_id from webhook_events where workflow_id like ${`${runId}-%`}`;
      return rows.map((r) => ({ id: r.id, sourceEventId: r.source_event_id }));
    } finally {
      await sql.end();
    }
  }
  const database = await openDatabase({ driver: 'pglite', dataDir: target.dataDir });
  try {
    return await database.db
      .select({ id: webhookEvents.id, sourceEventId: webhookEvents.sourceEventId })
      .from(webhookEvents)
      .where(like(webhookEvents.workflowId, `${runId}-%`));
  } finally {
    await database.close();
  }
}

export interface LedgerCheck {
  sent: number;
  stored: number;
  storedTwice: number;
  /** Acknowledged (202/409) but not in the database: a lost event. */
  acknowledgedButMissing: string[];
  /** The stored row's id is not the one the answer named. */
  idMismatch: string[];
  /** Stored without ever being sent in this run. */
  neverSent: number;
  /** Stored, but the sender never got an answer for it. */
  storedUnacknowledged: number;
}

export function checkLedger(ledger: Ledger, stored: StoredEvent[]): LedgerCheck {
  const bySource = new Map<string, string[]>();
  for (const row of stored) {
    const key = row.sourceEventId ?? '(none)';
    bySource.set(key, [...(bySource.get(key) ?? []), row.id]);
  }
  const acked = ledger.acknowledged();
  const acknowledgedButMissing: string[] = [];
  const idMismatch: string[] = [];
  for (const [sourceId, ids] of acked) {
    const rows = bySource.get(sourceId);
    if (!rows) acknowledgedButMissing.push(sourceId);
    else if (ids.size !== 1 || !rows.includes([...ids][0]!)) idMismatch.push(sourceId);
  }
  return {
    sent: ledger.entries.size,
    stored: stored.length,
    storedTwice: stored.length - bySource.size,
    acknowledgedButMissing,
    idMismatch,
    neverSent: [...bySource.keys()].filter((k) => !ledger.entries.has(k)).length,
    storedUnacknowledged: [...bySource.keys()].filter((k) => ledger.entries.has(k) && !acked.has(k)).length,
  };
}
