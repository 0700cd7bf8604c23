import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

export interface LedgerCheck {
  ok: boolean;
  accepted: number;
  stored: number;
  storedTwice: number;
  acceptedButMissing: number;
  storedButNotAccepted: number;
  unanswered: number;
}

/**
 * The hard check of a run: every event id that got a 202 is stored exactly
 * once, and nothing is stored that was not sent. An event stored without a
 * 202 is allowed only if its request was still in flight when the load
 * stopped (it never got an answer).
 */
export function checkLedger(stored: string[], accepted: Set<string>, sent: number, answered: number): LedgerCheck {
  const storedSet = new Set(stored);
  const acceptedButMissing = [...accepted].filter((id) => !storedSet.has(id)).length;
  const storedButNotAccepted = [...storedSet].filter((id) => !accepted.has(id)).length;
  const unanswered = sent - answered;
  return {
    ok: acceptedButMissing === 0 && stored.length === storedSet.size && storedButNotAccepted <= unanswered,
    accepted: accepted.size,
    stored: stored.length,
    storedTwice: stored.length - storedSet.size,
    acceptedButMissing,
    storedButNotAccepted,
    unanswered,
  };
}

const QUERY = "select source_event_id from webhook_events where workflow_id like $1";

export async function storedIdsPostgres(url: string, runId: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql.unsafe<{ source_event_id: string }[]>(QUERY, [`bench-${runId}-%`]);
    return rows.map((r) => r.source_event_id);
  } finally {
    await sql.end();
  }
}

export async function storedIdsPglite(dataDir: string, runId: string): Promise<string[]> {
  const pg = new PGlite(`${dataDir}/pglite`);
  try {
    const r = await pg.query<{ source_event_id: string }>(QUERY, [`bench-${runId}-%`]);
    return r.rows.map((x) => x.source_event_id);
  } finally {
    await pg.close();
  }
}
