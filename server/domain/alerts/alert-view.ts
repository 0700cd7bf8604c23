import { eq } from 'drizzle-orm';
import type { AlertState, AlertView } from '../../contracts/alerts';
import type { Db } from '../../db/database';
import { alerts } from '../../db/schema';
import { loadAlertHistories } from './alert-history';
import { alertColumns, asObject } from './alert-store';
import { activeSilences, type SilenceRow, silenceView } from './silence-store';

type AlertRow = { [K in keyof typeof alertColumns]: (typeof alerts.$inferSelect)[K] };

/** Resolved, else silenced (its rule is), else acknowledged, else firing. */
export function alertState(row: Pick<AlertRow, 'status' | 'acknowledgedAt'>, silence: SilenceRow | undefined): AlertState {
  if (row.status !== 'firing') return 'resolved';
  if (silence) return 'silenced';
  return row.acknowledgedAt ? 'acknowledged' : 'firing';
}

/** Alerts as clients see them, with their state, silence and history, at `now`. */
export async function alertViews(db: Db, rows: AlertRow[], now: Date, silences?: Map<string, SilenceRow>): Promise<AlertView[]> {
  const [open, histories] = await Promise.all([silences ?? activeSilences(db, now), loadAlertHistories(db, rows.map((r) => r.id))]);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return rows.map((r) => {
    const silence = r.status === 'firing' ? open.get(r.rule) : undefined;
    return {
      id: r.id,
      rule: r.rule,
      severity: r.severity,
      status: r.status === 'firing' ? 'firing' : 'resolved',
      message: r.message,
      value: r.value,
      threshold: r.threshold,
      details: r.details === null ? null : asObject(r.details),
      fired_at: r.firedAt.toISOString(),
      resolved_at: iso(r.resolvedAt),
      last_evaluated_at: r.lastEvaluatedAt.toISOString(),
      firing_notified_at: iso(r.firingNotifiedAt),
      resolved_notified_at: iso(r.resolvedNotifiedAt),
      state: alertState(r, silence),
      acknowledged_at: iso(r.acknowledgedAt),
      acknowledged_by: r.acknowledgedBy,
      acknowledge_note: r.acknowledgeNote,
      silence: silence ? silenceView(silence) : null,
      history: histories.get(r.id) ?? [],
    };
  });
}

export async function loadAlertRow(db: Db, id: string): Promise<AlertRow | undefined> {
  const [row] = await db.select(alertColumns).from(alerts).where(eq(alerts.id, id));
  return row;
}
