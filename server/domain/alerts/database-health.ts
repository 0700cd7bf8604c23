import { randomUUID } from 'node:crypto';
import { withDeadline } from '../../db/db-errors';
import { runAsJob } from '../../tracing/log-context';
import type { DatabaseConnectionRule } from './alert-rules';
import { resolveFiring } from './alert-store';
import type { AlertNotificationDeps } from './alert-notification-deps';
import { deliverAlertNotifications, postAlertNotification } from './deliver-alert-notifications';
import { outageIncidentKey } from './incident-key';
import { judgeDatabaseConnection } from './judge-alert-rules';
import { latestOutageId, OUTAGE_RULE as RULE, storeOutageOnce } from './outage-store';
import { DEFAULT_NOTIFY_RETRY, type RetryPolicy } from './post-json-with-retries';
import { activeSilences } from './silence-store';
import type { NotifiedAlert } from './slack-message';

/** How often the last stored outage is read again while the database answers (it names the next outage's key). */
const PREVIOUS_OUTAGE_REFRESH_MS = 60_000;

/** This process's own notification of the firing, posted from memory: none without ALERT_WEBHOOK_URL. */
type FiringNotice = { state: 'off' } | { state: 'silenced' } | { state: 'pending' } | { state: 'sent'; at: number } | { state: 'failed' };

interface Incident {
  /** The row's id if this process stores it; the in-memory notification names it. */
  id: string;
  /** The incident key (incident-key.ts): the same for every process that saw this outage, as far as each can tell. */
  key: string;
  firedAt: number;
  firstFailureAt: number;
  failures: number;
  lastError: string;
  message: string;
  notice: FiringNotice;
  /** When the database first answered again. */
  answeredAt?: number;
  /** When the resolve condition was met. */
  resolvedAt?: number;
  resolveMessage?: string;
  /** undefined: not stored yet; null: another process stored the same outage. */
  rowId?: string | null;
  /** The incident key of the row that holds this outage, ours or another process's. */
  storedKey?: string;
}

export interface DatabaseHealthSnapshot {
  state: 'unknown' | 'ok' | 'failing' | 'firing';
  consecutive_failures: number;
  consecutive_successes: number;
  last_probe_at: string | null;
  last_error: string | null;
  incident: {
    fired_at: string;
    first_failure_at: string;
    failures: number;
    stored: boolean;
    incident_key: string;
    /** This process's notification of the firing, posted from memory. */
    notified: FiringNotice['state'];
  } | null;
}

export interface DatabaseHealthDeps extends AlertNotificationDeps {
  /** One round trip to the database (`database.ping()`; tests give one they can switch off). */
  ping: () => Promise<void>;
  /** Epoch ms, the clock the rest of the server uses. */
  now: () => number;
  rule: DatabaseConnectionRule;
  /** The notifications' retries (DEFAULT_NOTIFY_RETRY); tests shorten the back-off. */
  notifyRetry?: Partial<RetryPolicy>;
}

/**
 * Database health judged in memory, so that "database connection failures"
 * can be noticed while the database itself is down. Each process probes on
 * its own timer (the database cannot coordinate anything while it is away)
 * and keeps the incident in memory. When the rule fires, the firing is
 * posted to ALERT_WEBHOOK_URL at once, from memory. When the database
 * answers again the firing is stored with the time it really fired (marked
 * notified when that post arrived, so the stored path does not post it
 * again), then resolved once the resolve condition holds; the recovery goes
 * through the stored path, once per cluster. Two processes that saw the
 * same outage store it once (outage-store.ts).
 *
 * Probing on a timer is `start()`'s alone; tests that drive the probe by
 * hand never start it and call `probe()`.
 */
export class DatabaseHealth {
  private readonly rule: DatabaseConnectionRule;
  private readonly retry: RetryPolicy;
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
  /** The last outage stored, as last read: undefined until read (never reached), null when there is none. */
  private previousOutageId: string | null | undefined;
  private previousOutageReadAt: number | undefined;
  /**
   * The end of the rule's silence, as last read (epoch ms; undefined: none).
   * Read with the previous outage while the database answers, and told at
   * once by this process's silence verbs, because during an outage the
   * silence cannot be read: the last one known decides.
   */
  private silencedUntil: number | undefined;

  constructor(private readonly deps: DatabaseHealthDeps) {
    this.rule = deps.rule;
    this.retry = { ...DEFAULT_NOTIFY_RETRY, ...deps.notifyRetry };
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
    await this.idle();
  }

  /** Waits for the probe, store and notifications in flight; the timer (if started) goes on. */
  async idle(): Promise<void> {
    await this.probing;
    await Promise.allSettled([...this.background]);
  }

  /** One probe, then (the database answering) storing whatever the incident needs. Never throws. */
  probe(): Promise<void> {
    // A probe of its own (`job:database-health:<uuid>`), whoever asked for it: its alert lines belong to no request.
    this.probing ??= runAsJob('database-health', () => this.probeOnce()).finally(() => {
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
    this.incident = {
      id: randomUUID(),
      key: outageIncidentKey(RULE, this.previousOutageId),
      firedAt: now,
      firstFailureAt: this.failingSince,
      failures: this.consecutiveFailures,
      lastError: this.lastError,
      message: j.message,
      notice: { state: 'off' },
    };
    this.deps.logger.error({ alert: RULE, failures: this.consecutiveFailures, incident_key: this.incident.key }, `alert firing: ${j.message}`);
    this.announceFiring(this.incident);
  }

  /** This rule's silence (its end, epoch ms), or null when lifted: a verb of this process says so at once. */
  learnSilence(until: number | null): void {
    this.silencedUntil = until ?? undefined;
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
        ? {
            fired_at: new Date(i.firedAt).toISOString(),
            first_failure_at: new Date(i.firstFailureAt).toISOString(),
            failures: i.failures,
            stored: i.rowId !== undefined,
            incident_key: i.key,
            notified: i.notice.state,
          }
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
    else await this.readPreviousOutage();
  }

  /**
   * Posts the firing from memory, at once: no database is needed, and the
   * probe does not wait for it (a receiver that hangs holds up nothing but
   * the storing of this outage, below). Deliveries after it wait for it, so
   * this process never announces the recovery first.
   */
  private announceFiring(incident: Incident): void {
    const url = this.deps.config.alertWebhookUrl;
    if (!url) return;
    // Silenced: stored unnotified, and the stored path records the silence that swallowed it.
    if (this.silencedUntil !== undefined && this.silencedUntil > this.now()) {
      incident.notice = { state: 'silenced' };
      this.deps.logger.info({ alert: RULE, incident_key: incident.key }, 'alert notification suppressed by a silence');
      return;
    }
    incident.notice = { state: 'pending' };
    const posted = postAlertNotification(this.deps, url, this.asAlert(incident, 'firing'), 'firing', this.retry, 'the stored alert will announce it once the database answers')
      .catch(() => false)
      .then((ok) => {
        incident.notice = ok ? { state: 'sent', at: this.now() } : { state: 'failed' };
      });
    this.queueDelivery(posted);
  }

  /** Stores the firing (once per outage, cluster-wide), then its resolution. Retried on the next probe if it fails. */
  private async persist(): Promise<void> {
    const { db, logger } = this.deps;
    const incident = this.incident;
    if (!incident || incident.answeredAt === undefined) return;
    // The row records whether the in-memory post arrived, so it is stored once that post has settled; probing goes on.
    if (incident.notice.state === 'pending') return;
    let changed = false;
    try {
      if (incident.rowId === undefined) {
        const stored = await storeOutageOnce(db, {
          id: incident.id,
          severity: this.rule.severity,
          judgement: { state: 'firing', value: incident.failures, threshold: this.rule.failuresToFire, message: incident.message, details: this.incidentDetails(incident) },
          firedAt: new Date(incident.firedAt),
          firstFailureAt: new Date(incident.firstFailureAt),
          answeredAt: new Date(incident.answeredAt),
          firingNotifiedAt: incident.notice.state === 'sent' ? new Date(incident.notice.at) : null,
        });
        incident.rowId = stored?.ours ? stored.id : null;
        incident.storedKey = stored?.incidentKey;
        if (stored) this.learnPreviousOutage(stored.id);
        changed = incident.rowId !== null;
      }
      if (incident.resolvedAt !== undefined) {
        if (incident.rowId) {
          const at = new Date(incident.resolvedAt);
          const message = incident.resolveMessage ?? 'The database answers again.';
          const details = this.incidentDetails(incident);
          if (await resolveFiring(db, { id: incident.rowId, details }, { at, value: 0, message, reason: 'recovered' })) {
            changed = true;
            logger.info({ alert: RULE, incident_key: incident.key }, `alert resolved: ${message}`);
          }
        } else if (incident.storedKey !== incident.key) {
          this.announceOwnRecovery(incident);
        }
        this.incident = undefined;
      }
    } catch (e) {
      logger.warn({ err: e, alert: RULE }, 'could not store the database-connection alert yet; will retry on the next probe');
      return;
    }
    if (!changed) return;
    const ctx = this.deps;
    this.queueDelivery(this.delivering.then(() => deliverAlertNotifications({ ctx, input: { now: new Date(this.now()), retry: this.retry } })));
  }

  /**
   * Another process stored this outage under another key (it knew of a
   * later previous outage than this process did): the stored recovery
   * carries that key, so this process resolves the one it announced itself,
   * or the receiver would hold it open for ever.
   */
  private announceOwnRecovery(incident: Incident): void {
    const url = this.deps.config.alertWebhookUrl;
    if (!url || incident.notice.state !== 'sent') return;
    const alert = this.asAlert(incident, 'resolved');
    this.queueDelivery(this.delivering.then(() => postAlertNotification(this.deps, url, alert, 'resolved', this.retry, 'it is not tried again')));
  }

  /** Once a minute while the database answers: the last outage stored names the next one's incident key. */
  private async readPreviousOutage(): Promise<void> {
    const now = this.now();
    if (this.previousOutageReadAt !== undefined && now - this.previousOutageReadAt < PREVIOUS_OUTAGE_REFRESH_MS) return;
    try {
      const [previous, silences] = await withDeadline(Promise.all([latestOutageId(this.deps.db), activeSilences(this.deps.db, new Date(now))]), this.rule.probeTimeoutMs);
      this.learnPreviousOutage(previous, now);
      this.silencedUntil = silences.get(RULE)?.endsAt.getTime();
    } catch (e) {
      this.deps.logger.debug({ err: e, alert: RULE }, 'could not read the last stored outage; will retry on the next probe');
    }
  }

  private learnPreviousOutage(id: string | null, at = this.now()): void {
    this.previousOutageId = id;
    this.previousOutageReadAt = at;
  }

  /** The incident as a notification shows it, from memory. */
  private asAlert(incident: Incident, kind: 'firing' | 'resolved'): NotifiedAlert {
    const resolved = kind === 'resolved' && incident.resolvedAt !== undefined;
    return {
      id: incident.id,
      rule: RULE,
      severity: this.rule.severity,
      message: incident.message,
      value: incident.failures,
      threshold: this.rule.failuresToFire,
      details: { ...this.incidentDetails(incident), ...(resolved ? { recovery: { message: incident.resolveMessage } } : {}) },
      firedAt: new Date(incident.firedAt),
      resolvedAt: resolved ? new Date(incident.resolvedAt!) : null,
    };
  }

  private incidentDetails(incident: Incident): Record<string, unknown> {
    return {
      unit: 'count',
      incident_key: incident.key,
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

  /** One delivery at a time after this one, so this process announces a firing before its recovery; stop() waits for it. */
  private queueDelivery(p: Promise<unknown>): void {
    const tracked: Promise<unknown> = p.catch((e: unknown) => this.deps.logger.warn({ err: e, alert: RULE }, 'could not deliver alert notifications'));
    this.delivering = Promise.allSettled([this.delivering, tracked]);
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
