import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { alerts } from '../../db/schema';
import { recordAlertEvent, SYSTEM_ACTOR } from './alert-history';
import type { RuleJudgement } from './judge-alert-rules';

/** The writes behind an alert's life: fired (one row), refreshed while firing, resolved in place. */
export interface FiringAlert {
  id: string;
  rule: string;
  firedAt: Date;
  lastEvaluatedAt: Date;
  value: number | null;
  details: Record<string, unknown>;
}

export async function loadFiringAlerts(db: Db): Promise<Map<string, FiringAlert>> {
  const rows = await db
    .select({
      id: alerts.id,
      rule: alerts.rule,
      firedAt: alerts.firedAt,
      lastEvaluatedAt: alerts.lastEvaluatedAt,
      value: alerts.value,
      details: alerts.details,
    })
    .from(alerts)
    .where(eq(alerts.status, 'firing'));
  return new Map(rows.map((r) => [r.rule, { ...r, details: asObject(r.details) }]));
}

/**
 * Stores a firing; null when the rule already has one (the partial unique
 * index `alerts_one_firing_per_rule_uq` decides between two processes).
 */
export async function storeFiring(
  db: Db,
  a: {
    rule: string;
    severity: string;
    judgement: RuleJudgement;
    firedAt: Date;
    evaluatedAt: Date;
    details?: Record<string, unknown>;
    /** An id chosen before the row existed (an outage announced from memory names it). */
    id?: string;
    /** Set when the firing was already announced (from memory) before the row was stored. */
    firingNotifiedAt?: Date | null;
  },
): Promise<string | null> {
  const rows = await db
    .insert(alerts)
    .values({
      id: a.id ?? randomUUID(),
      rule: a.rule,
      severity: a.severity,
      status: 'firing',
      message: a.judgement.message,
      value: a.judgement.value,
      threshold: a.judgement.threshold,
      details: { ...a.judgement.details, ...a.details },
      firedAt: a.firedAt,
      lastEvaluatedAt: a.evaluatedAt,
      firingNotifiedAt: a.firingNotifiedAt ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: alerts.id });
  const id = rows[0]?.id ?? null;
  if (id) await recordAlertEvent(db, { kind: 'fired', rule: a.rule, alertId: id, actor: SYSTEM_ACTOR, at: a.firedAt, details: { value: a.judgement.value, threshold: a.judgement.threshold } });
  return id;
}

/** Still firing: the latest figures replace the previous ones; fired_at stays. */
export async function refreshFiring(
  db: Db,
  id: string,
  a: { message?: string; value?: number | null; details: Record<string, unknown>; evaluatedAt: Date },
): Promise<void> {
  await db
    .update(alerts)
    .set({
      ...(a.message === undefined ? {} : { message: a.message }),
      ...(a.value === undefined ? {} : { value: a.value }),
      details: a.details,
      lastEvaluatedAt: a.evaluatedAt,
    })
    .where(and(eq(alerts.id, id), eq(alerts.status, 'firing')));
}

/**
 * Resolves in place: the row keeps what it fired with, and the recovery (when
 * and on what figures) goes into `details.recovery`. Conditional, so of two
 * processes resolving at once exactly one reports the recovery.
 */
export async function resolveFiring(
  db: Db,
  alert: Pick<FiringAlert, 'id' | 'details'>,
  recovery: { at: Date; value: number | null; message: string; reason: 'recovered' | 'no_data' | 'stale' },
): Promise<boolean> {
  const rows = await db
    .update(alerts)
    .set({
      status: 'resolved',
      resolvedAt: recovery.at,
      lastEvaluatedAt: recovery.at,
      details: { ...alert.details, recovery: { ...recovery, at: recovery.at.toISOString() } },
    })
    .where(and(eq(alerts.id, alert.id), eq(alerts.status, 'firing')))
    .returning({ id: alerts.id, rule: alerts.rule });
  const row = rows[0];
  if (row) await recordAlertEvent(db, { kind: 'resolved', rule: row.rule, alertId: row.id, actor: SYSTEM_ACTOR, at: recovery.at, details: { value: recovery.value, reason: recovery.reason } });
  return row !== undefined;
}

export function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The columns an alert is shown and notified with: one explicit select for every reader. */
export const alertColumns = {
  id: alerts.id,
  rule: alerts.rule,
  severity: alerts.severity,
  status: alerts.status,
  message: alerts.message,
  value: alerts.value,
  threshold: alerts.threshold,
  details: alerts.details,
  firedAt: alerts.firedAt,
  resolvedAt: alerts.resolvedAt,
  lastEvaluatedAt: alerts.lastEvaluatedAt,
  firingNotifiedAt: alerts.firingNotifiedAt,
  resolvedNotifiedAt: alerts.resolvedNotifiedAt,
  acknowledgedAt: alerts.acknowledgedAt,
  acknowledgedBy: alerts.acknowledgedBy,
  acknowledgeNote: alerts.acknowledgeNote,
  firingSuppressedBy: alerts.firingSuppressedBy,
  resolvedSuppressedBy: alerts.resolvedSuppressedBy,
};
