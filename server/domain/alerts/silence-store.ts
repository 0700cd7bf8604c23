import { and, asc, eq, gt, isNull, lte } from 'drizzle-orm';
import type { SilenceView } from '../../contracts/alerts';
import type { Db } from '../../db/database';
import { alerts, alertSilences } from '../../db/schema';
import { recordAlertEvent, SYSTEM_ACTOR } from './alert-history';

export const silenceColumns = {
  id: alertSilences.id,
  rule: alertSilences.rule,
  reason: alertSilences.reason,
  createdBy: alertSilences.createdBy,
  createdAt: alertSilences.createdAt,
  endsAt: alertSilences.endsAt,
  liftedAt: alertSilences.liftedAt,
  liftedBy: alertSilences.liftedBy,
  endedAt: alertSilences.endedAt,
};
export type SilenceRow = { id: string; rule: string; reason: string; createdBy: string; createdAt: Date; endsAt: Date; liftedAt: Date | null; liftedBy: string | null; endedAt: Date | null };

export function silenceView(s: SilenceRow): SilenceView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: s.id,
    rule: s.rule,
    reason: s.reason,
    created_by: s.createdBy,
    created_at: s.createdAt.toISOString(),
    ends_at: s.endsAt.toISOString(),
    lifted_at: iso(s.liftedAt),
    lifted_by: s.liftedBy,
    ended_at: iso(s.endedAt),
  };
}

/** The silences in force at `now`, by rule: open and not yet past their end (an expiry not yet recorded no longer silences). */
export async function activeSilences(db: Db, now: Date): Promise<Map<string, SilenceRow>> {
  const rows = await db
    .select(silenceColumns)
    .from(alertSilences)
    .where(and(isNull(alertSilences.endedAt), gt(alertSilences.endsAt, now)))
    .orderBy(asc(alertSilences.createdAt));
  return new Map(rows.map((r) => [r.rule, r]));
}

/**
 * Records a silence's end once (the conditional UPDATE of `ended_at` is the
 * claim, so two processes or a lift racing an expiry record it once), then
 * its history row. What still fires is announced again: a firing whose
 * notification the silence swallowed is re-armed for the next delivery, and
 * a firing announced before the silence gets a "silence ended, still
 * firing" notice (Alertmanager re-notifies active alerts when a silence
 * expires). False when the end was already recorded.
 */
export async function endSilence(
  db: Db,
  silence: Pick<SilenceRow, 'id' | 'rule' | 'reason' | 'endsAt'>,
  end: { kind: 'silence_lifted' | 'silence_expired'; actor: string; at: Date },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const lifted = end.kind === 'silence_lifted';
    const claimed = await tx
      .update(alertSilences)
      .set({ endedAt: end.at, ...(lifted ? { liftedAt: end.at, liftedBy: end.actor } : {}) })
      .where(and(eq(alertSilences.id, silence.id), isNull(alertSilences.endedAt)))
      .returning({ id: alertSilences.id });
    if (claimed.length === 0) return false;
    const [firing] = await tx
      .select({ id: alerts.id, firingNotifiedAt: alerts.firingNotifiedAt, firingSuppressedBy: alerts.firingSuppressedBy })
      .from(alerts)
      .where(and(eq(alerts.rule, silence.rule), eq(alerts.status, 'firing')));
    if (firing?.firingSuppressedBy) {
      await tx.update(alerts).set({ firingNotifiedAt: null, firingSuppressedBy: null }).where(eq(alerts.id, firing.id));
    }
    await recordAlertEvent(tx, {
      kind: end.kind,
      rule: silence.rule,
      alertId: firing?.id ?? null,
      silenceId: silence.id,
      actor: end.actor,
      note: silence.reason,
      at: end.at,
      details: { silenced_until: silence.endsAt.toISOString() },
      // The re-armed firing is the announcement when the receiver never heard of it.
      notify: Boolean(firing && firing.firingNotifiedAt && !firing.firingSuppressedBy),
    });
    return true;
  });
}

/** Records the end of every silence past its `ends_at` (the evaluation's first step, once per cluster). */
export async function endExpiredSilences(db: Db, now: Date): Promise<number> {
  const due = await db
    .select(silenceColumns)
    .from(alertSilences)
    .where(and(isNull(alertSilences.endedAt), lte(alertSilences.endsAt, now)));
  let ended = 0;
  for (const s of due) if (await endSilence(db, s, { kind: 'silence_expired', actor: SYSTEM_ACTOR, at: s.endsAt })) ended++;
  return ended;
}
