import { randomUUID } from 'node:crypto';
import { asc, inArray } from 'drizzle-orm';
import type { AlertEventKind, AlertEventView } from '../../contracts/alerts';
import type { Db } from '../../db/database';
import { alertEvents, auditLog } from '../../db/schema';
import { notifyChange } from '../live/change-notice';

/** The actor of the transitions nobody asked for: firings, recoveries, expiries. */
export const SYSTEM_ACTOR = 'system';

export interface AlertEventToRecord {
  kind: AlertEventKind;
  rule: string;
  alertId: string | null;
  silenceId?: string | null;
  actor: string;
  note?: string | null;
  at: Date;
  details?: Record<string, unknown>;
  /** Whether ALERT_WEBHOOK_URL should hear of it (a lifecycle notice); firings and recoveries have their own columns. */
  notify?: boolean;
}

/**
 * Writes one transition into the alert's history. The evaluation's own
 * transitions (fired, resolved, silence expired) also get their audit row
 * here, in the same statement's transaction when given one: they have no
 * request, so no AuditRecorder; a person's transitions are audited by their
 * verb through `ctx.audit`, with the request's correlation id.
 */
export async function recordAlertEvent(db: Db, e: AlertEventToRecord): Promise<void> {
  await db.insert(alertEvents).values({
    id: randomUUID(),
    alertId: e.alertId,
    rule: e.rule,
    silenceId: e.silenceId ?? null,
    kind: e.kind,
    actor: e.actor,
    note: e.note ?? null,
    details: e.details ?? null,
    at: e.at,
    notifyState: e.notify ? 'due' : 'none',
  });
  // Every transition (fired, acknowledged, silenced, lifted, expired, resolved) passes here: the
  // consoles hear of it when `db`'s transaction commits, and not at all if it rolls back.
  await notifyChange(db, 'alerts', e.alertId ? [e.alertId] : undefined);
  if (e.actor !== SYSTEM_ACTOR) return;
  await db.insert(auditLog).values({
    id: randomUUID(),
    at: e.at,
    actor: SYSTEM_ACTOR,
    action: `alert.${e.kind}`,
    outcome: 'success',
    target: e.alertId ? `${e.rule}:${e.alertId}` : e.rule,
    details: { rule: e.rule, ...(e.note ? { reason: e.note } : {}), ...e.details },
  });
}

const HISTORY_PER_ALERT = 20;

/** The history of each alert, oldest first (the last 20 each). */
export async function loadAlertHistories(db: Db, alertIds: string[]): Promise<Map<string, AlertEventView[]>> {
  const out = new Map<string, AlertEventView[]>(alertIds.map((id) => [id, []]));
  if (alertIds.length === 0) return out;
  const rows = await db
    .select({ alertId: alertEvents.alertId, kind: alertEvents.kind, actor: alertEvents.actor, note: alertEvents.note, at: alertEvents.at, silenceId: alertEvents.silenceId })
    .from(alertEvents)
    .where(inArray(alertEvents.alertId, alertIds))
    .orderBy(asc(alertEvents.seq));
  for (const r of rows) {
    const list = out.get(r.alertId!);
    list?.push({ kind: r.kind as AlertEventKind, actor: r.actor, note: r.note, at: r.at.toISOString(), silence_id: r.silenceId });
  }
  for (const [id, list] of out) if (list.length > HISTORY_PER_ALERT) out.set(id, list.slice(-HISTORY_PER_ALERT));
  return out;
}
