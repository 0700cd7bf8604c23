import { sql } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { LIVE_KINDS, type LiveChange, type LiveKind } from '../../contracts/live';

/** The one PostgreSQL channel every process LISTENs on (a database's channels are its own). */
export const LIVE_CHANNEL = 'opal_force_sync_changes';

/** More ids than this and a notice only says "something of this kind changed". */
export const MAX_IDS = 50;
// PostgreSQL refuses a payload of 8000 bytes or more.
const MAX_PAYLOAD = 7000;

export type Notice = { kind: LiveKind; ids?: string[]; count?: number };

/**
 * A NOTIFY's payload: kinds with ids or a count, never a row. Ids beyond
 * MAX_IDS (or beyond PostgreSQL's payload limit) are dropped, which a reader
 * takes as "refetch everything of this kind".
 */
export function encodeNotices(notices: Notice[]): string {
  const short = (n: Notice) => ({ k: n.kind, ...(n.ids && n.ids.length <= MAX_IDS ? { i: n.ids } : {}), ...(n.count === undefined ? {} : { n: n.count }) });
  const text = JSON.stringify(notices.map(short));
  return text.length <= MAX_PAYLOAD ? text : JSON.stringify(notices.map((n) => short({ kind: n.kind, ...(n.count === undefined ? {} : { count: n.count }) })));
}

const isKind = (k: unknown): k is LiveKind => typeof k === 'string' && (LIVE_KINDS as readonly string[]).includes(k);

/** Reads a payload back; anything not of this shape (another program on the channel) is ignored. */
export function decodeNotices(payload: string): LiveChange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((n: { k?: unknown; i?: unknown; n?: unknown }) => {
    if (!n || !isKind(n.k)) return [];
    const ids = Array.isArray(n.i) && n.i.every((x) => typeof x === 'string') ? (n.i as string[]) : undefined;
    const count = Number.isSafeInteger(n.n) ? (n.n as number) : undefined;
    return [{ kind: n.k, ...(ids ? { ids } : {}), ...(count === undefined ? {} : { count }) }];
  });
}

/**
 * Tells every process that `kind` changed. Issued through `db` (a transaction
 * too): PostgreSQL (and PGlite) deliver it when that transaction commits and
 * drop it if it rolls back, so a listener never hears of a change it cannot
 * read yet. For rare changes (alerts, sign-out, acknowledge/silence); the
 * webhook path goes through ChangeNotifier, which coalesces.
 */
export async function notifyChange(db: Db, kind: LiveKind, ids?: string[]): Promise<void> {
  await db.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${encodeNotices([{ kind, ...(ids ? { ids } : {}) }])})`);
}
