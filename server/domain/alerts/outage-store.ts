import { and, desc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { alerts } from '../../db/schema';
import { asObject, storeFiring } from './alert-store';
import { incidentKeyOf } from './incident-key';
import type { RuleJudgement } from './judge-alert-rules';

export const OUTAGE_RULE = 'database_connection';
// Serialises the "is this outage already stored?" check across processes; any constant shared by all processes.
const STORE_LOCK_KEY = 7_402_118_362;

export interface OutageToStore {
  /** Chosen in memory, when the outage fired (the in-memory notification names it). */
  id: string;
  severity: string;
  judgement: RuleJudgement;
  firedAt: Date;
  firstFailureAt: Date;
  answeredAt: Date;
  /** When this process's in-memory notification of the firing arrived; null when it did not. */
  firingNotifiedAt: Date | null;
}

/** The row that holds the outage: this process's, just stored, or the one another process stored first. */
export interface StoredOutage {
  id: string;
  ours: boolean;
  incidentKey: string;
}

/**
 * Stores the firing unless some process already stored an alert for an
 * outage overlapping this one: the advisory lock makes check-then-insert
 * atomic across processes; the unique firing index is the backstop (null
 * when it refused, which the lock should never let happen).
 */
export async function storeOutageOnce(db: Db, o: OutageToStore): Promise<StoredOutage | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(STORE_LOCK_KEY))})`);
    const [overlapping] = await tx
      .select({ id: alerts.id, rule: alerts.rule, details: alerts.details })
      .from(alerts)
      .where(
        and(
          eq(alerts.rule, OUTAGE_RULE),
          lte(alerts.firedAt, o.answeredAt),
          or(isNull(alerts.resolvedAt), gte(alerts.resolvedAt, o.firstFailureAt)),
        ),
      )
      .orderBy(desc(alerts.firedAt))
      .limit(1);
    if (overlapping) return { id: overlapping.id, ours: false, incidentKey: incidentKeyOf({ ...overlapping, details: asObject(overlapping.details) }) };
    const id = await storeFiring(tx, {
      id: o.id,
      rule: OUTAGE_RULE,
      severity: o.severity,
      judgement: o.judgement,
      firedAt: o.firedAt,
      evaluatedAt: o.answeredAt,
      firingNotifiedAt: o.firingNotifiedAt,
    });
    return id === null ? null : { id, ours: true, incidentKey: incidentKeyOf({ id, rule: OUTAGE_RULE, details: o.judgement.details }) };
  });
}

/** The last outage stored (its id names the next outage's incident key); null before the first. */
export async function latestOutageId(db: Db): Promise<string | null> {
  const [row] = await db.select({ id: alerts.id }).from(alerts).where(eq(alerts.rule, OUTAGE_RULE)).orderBy(desc(alerts.firedAt)).limit(1);
  return row?.id ?? null;
}
