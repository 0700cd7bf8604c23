import { and, desc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import { withDeadline } from '../../db/db-errors';
import { alerts } from '../../db/schema';
import type { DatabaseConnectionRule } from './alert-rules';
import { resolveFiring, storeFiring } from './alert-store';
import { type AlertNotificationDeps, deliverAlertNotifications } from './deliver-alert-notifications';
import { judgeDatabaseConnection } from './judge-alert-rules';

const RULE = 'database_connection';
// Serialises the "is this outage already stored?" check across processes; any constant shared by all processes.
const STORE_LOCK_KEY = 7_402_118_362;

interface Incident {
  firedAt: number;
  firstFailureAt: number;
  failures: number;
  lastError: string;
  message: string;
  /** When the database first answered again. */
  answeredAt?: number;
  /** When the resolve condition was met. */
  resolvedAt?: number;
  resolveMessage?: string;
  /** undefined: not stored yet; null: another process stored the same outage. */
  rowId?: string | null;
}

export interface DatabaseHealthSnapshot {
  state: 'unknown' | 'ok' | 'failing' | 'firing';
  consecutive_failures: number;
  consecutive_successes: number;
  last_probe_at: string | null;
  last_error: string | null;
  incident: { fired_at: string; first_failure_at: string; failures: number; stored: boolean } | null;
}

export interface DatabaseHealthDeps extends AlertNotificationDeps {
  /** One round trip to the database (`database.ping()`; tests give one they can switch off). */
  ping: () => Promise<void>;
  /** Epoch ms, the clock the rest of the server uses. */
  now: () => number;
  rule: DatabaseConnectionRule;
}

/**
 * Database health judged in memory, so that "database connection failures"
 * can be noticed while the database itself is down. Each process probes on
 * its own timer (the database cannot coordinate anything while it is away)
 * and keeps the incident in memory; when the database answers again the
 * firing is stored with the time it really fired, then resolved once the
 * resolve condition holds. Two processes that saw the same outage store it
 * once (the check runs under an advisory lock; the unique firing index
 * backs it up).
 *
 * Probing on a timer is `start()`'s alone; tests that drive the probe by
 * hand never start it and call `probe()`.
 */
export class DatabaseHealth {
  private readonly rule: DatabaseConnectionRule;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private readonly background = new Set<Promise<unknown>>();
  private delivering: Promise<unknown> = Promise.resolve();

  private consecutiveFailures = 0;
  private consecutiveSuccesses = 0;
  private failingSince: number | undefined;
  private lastProbeAt: number | undefined;
  private lastError: string | undefined;
  private incident: Incident | undefined;

  constructor(private readonly deps: DatabaseHealthDeps) {
    this.rule = deps.rule;
  }

  /** Probes every `rule.probeEveryMs`, from now on (again). */
  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.probe(), this.rule.probeEveryMs).unref();
  }

  /**
   * Stops the timer and waits for the probe, store and notifications in
   * flight. Call before closing the database. `probe()` still works after
   * it, for a caller that drives the probe by hand.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.probing;
    await Promise.allSettled([...this.background]);
  }

  /** One probe, then (the database answering) storing whatever the incident needs. Never throws. */
  probe(): Promise<void> {
    this.probing ??= this.probeOnce().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  /** A successful round trip (the probe's, or any caller's that wants to report one). */
  recordSuccess(): void {
    const now = this.now();
    this.lastProbeAt = now;
    this.consecutiveFailures = 0;
    this.failingSince = undefined;
    this.consecutiveSuccesses++;
    const incident = this.incident;
    if (!incident) return;
    incident.answeredAt ??= now;
    const j = judgeDatabaseConnection(this.rule, this.figures(now), true);
    if (j.state === 'ok' && incident.resolvedAt === undefined) {
      incident.resolvedAt = now;
      incident.resolveMessage = j.message;
    }
  }

  /** A failed round trip: the database could not be reached. */
  recordFailure(error: unknown): void {
    const now = this.now();
    this.lastProbeAt = now;
    this.consecutiveSuccesses = 0;
    this.consecutiveFailures++;
    this.failingSince ??= now;
    this.lastError = describeError(error);
    const incident = this.incident;
    if (incident) {
      incident.failures++;
      incident.lastError = this.lastError;
      // Down again before the resolution was stored: the same outage goes on.
      incident.resolvedAt = undefined;
      incident.resolveMessage = undefined;
      if (incident.rowId === undefined) incident.answeredAt = undefined;
      return;
    }
    const j = judgeDatabaseConnection(this.rule, this.figures(now), false);
    if (j.state !== 'firing') return;
    this.incident = { firedAt: now, firstFailureAt: this.failingSince, failures: this.consecutiveFailures, lastError: this.lastError, message: j.message };
    this.deps.logger.error({ alert: RULE, failures: this.consecutiveFailures }, `alert firing: ${j.message}`);
  }

  /** Whether this process currently sees a database outage it has not finished recording. */
  hasOpenIncident(): boolean {
    return this.incident !== undefined;
  }

  snapshot(): DatabaseHealthSnapshot {
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    const i = this.incident;
    return {
      state: i && i.resolvedAt === undefined ? 'firing' : this.consecutiveFailures > 0 ? 'failing' : this.lastProbeAt === undefined ? 'unknown' : 'ok',
      consecutive_failures: this.consecutiveFailures,
      consecutive_successes: this.consecutiveSuccesses,
      last_probe_at: iso(this.lastProbeAt),
      last_error: this.lastError ?? null,
      incident: i
        ? { fired_at: new Date(i.firedAt).toISOString(), first_failure_at: new Date(i.firstFailureAt).toISOString(), failures: i.failures, stored: i.rowId !== undefined }
        : null,
    };
  }

  private async probeOnce(): Promise<void> {
    try {
      await withDeadline(this.deps.ping(), this.rule.probeTimeoutMs);
    } catch (e) {
      this.recordFailure(e);
      return;
    }
    this.recordSuccess();
    if (this.incident) await this.persist();
  }

  /** Stores the firing (once per outage, cluster-wide), then its resolution. Retried on the next probe if it fails. */
  private async persist(): Promise<void> {
    const { db, logger } = this.deps;
    const incident = this.incident;
    if (!incident || incident.answeredAt === undefined) return;
    let changed = false;
    try {
      if (incident.rowId === undefined) {
        incident.rowId = await this.storeOnce(incident);
        changed = incident.rowId !== null;
      }
      if (incident.resolvedAt !== undefined) {
        if (incident.rowId) {
          const at = new Date(incident.resolvedAt);
          const message = incident.resolveMessage ?? 'The database answers again.';
          const details = this.incidentDetails(incident);
          if (await resolveFiring(db, { id: incident.rowId, details }, { at, value: 0, message, reason: 'recovered' })) {
            changed = true;
            logger.info({ alert: RULE }, `alert resolved: ${message}`);
          }
        }
        this.incident = undefined;
      }
    } catch (e) {
      logger.warn({ err: e, alert: RULE }, 'could not store the database-connection alert yet; will retry on the next probe');
      return;
    }
    // One delivery at a time, so this process announces the firing before its recovery.
    if (!changed) return;
    const next = this.delivering.then(() => deliverAlertNotifications({ ctx: this.deps, input: { now: new Date(this.now()) } }));
    this.delivering = next.catch(() => undefined);
    this.track(next);
  }

  /**
   * Stores the firing unless some process already stored an alert for an
   * outage overlapping this one: the advisory lock makes check-then-insert
   * atomic across processes; the unique firing index is the backstop.
   */
  private async storeOnce(incident: Incident): Promise<string | null> {
    const answeredAt = new Date(incident.answeredAt ?? this.now());
    return this.deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(STORE_LOCK_KEY))})`);
      const [overlapping] = await tx
        .select({ id: alerts.id })
        .from(alerts)
        .where(
          and(
            eq(alerts.rule, RULE),
            lte(alerts.firedAt, answeredAt),
            or(isNull(alerts.resolvedAt), gte(alerts.resolvedAt, new Date(incident.firstFailureAt))),
          ),
        )
        .orderBy(desc(alerts.firedAt))
        .limit(1);
      if (overlapping) return null;
      return storeFiring(tx, {
        rule: RULE,
        severity: this.rule.severity,
        judgement: {
          state: 'firing',
          value: incident.failures,
          threshold: this.rule.failuresToFire,
          message: incident.message,
          details: this.incidentDetails(incident),
        },
        firedAt: new Date(incident.firedAt),
        evaluatedAt: answeredAt,
      });
    });
  }

  private incidentDetails(incident: Incident): Record<string, unknown> {
    return {
      unit: 'count',
      first_failure_at: new Date(incident.firstFailureAt).toISOString(),
      failed_probes: incident.failures,
      last_error: incident.lastError,
      database_answered_at: incident.answeredAt === undefined ? null : new Date(incident.answeredAt).toISOString(),
      fire_after_failures: this.rule.failuresToFire,
      fire_after_ms: this.rule.failingForMs,
      resolve_after_successes: this.rule.successesToResolve,
      judged_by: 'in memory, by the process that saw the outage',
    };
  }

  private figures(now: number) {
    return {
      consecutiveFailures: this.consecutiveFailures,
      consecutiveSuccesses: this.consecutiveSuccesses,
      failingForMs: this.failingSince === undefined ? 0 : now - this.failingSince,
    };
  }

  private now(): number {
    return this.deps.now();
  }

  private track(p: Promise<unknown>): void {
    const tracked: Promise<unknown> = p.catch((e: unknown) => this.deps.logger.warn({ err: e, alert: RULE }, 'could not deliver alert notifications'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}

/** A code or class name only: a driver's message may name hosts or users. */
function describeError(e: unknown): string {
  for (let cur: unknown = e, i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    if (cur instanceof Error && cur.name === 'DatabaseTimeoutError') return 'timeout';
    cur = (cur as { cause?: unknown }).cause;
  }
  return e instanceof Error ? e.name : 'unknown';
}
