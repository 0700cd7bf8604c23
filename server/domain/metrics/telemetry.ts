import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CircuitStateName } from '../../contracts/force-sync';
import type { MetricsOverview } from '../../contracts/metrics';
import type { Db } from '../../db/database';
import { runDetached } from '../../tracing/log-context';
import { SEND_WORKFLOW_EVENT_PATH } from '../opal-tools/tool-paths';
import type { AuditEntry } from '../auth/audit-recorder';
import type { RejectionReason } from '../webhooks/rejection-recorder';
import { addHttpCounts, type HttpCount } from './add-http-counts';
import { ClusterGauges } from './cluster-gauges';
import { createProcessMetrics, setCircuitState, WEBHOOK_ROUTE } from './process-metrics';
import { RollupHourCache } from './rollup-hour-cache';
import { floorTo, MINUTE_MS } from './time-range';

const FLUSH_EVERY_MS = 10_000;
/** Distinct (minute, route, status) counts kept while the database is away; beyond, the oldest minutes go. */
const MAX_PENDING_KEYS = 10_000;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const WEBHOOK_ROUTES = new Set([`POST ${WEBHOOK_ROUTE}`, `POST ${SEND_WORKFLOW_EVENT_PATH}`]);
const SYNC_ROUTES: Record<string, string> = { 'POST /api/opal/sync': 'force_sync', 'POST /api/orchestrations/trigger': 'trigger' };

/** What a delivery's status says about it; the middleware sees nothing else. */
function deliveryOutcome(route: string, status: number): string {
  if (status === 202) return 'accepted';
  if (status === 409 || status === 200) return 'duplicate';
  if (status === 429) return 'rate_limited';
  if (status === 401) return route.includes('/webhooks/') ? 'bad_signature' : 'unauthorized';
  if (status === 413) return 'too_large';
  if (status === 400 || status === 415) return 'malformed';
  return status >= 500 ? 'error' : 'refused';
}

function syncOutcome(status: number): string {
  if (status >= 200 && status < 300) return 'success';
  if (status === 502) return 'opal_failed';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'error';
  return 'refused';
}

/**
 * In-process measurements that are too frequent to write one by one (HTTP
 * requests), counted in memory and added to `http_request_rollups` every
 * 10 s; also this process's Prometheus registry (its own, not prom-client's
 * global one, so several servers in one process do not collide).
 *
 * Counters, histograms and state gauges (process-metrics.ts) count what
 * this process saw, through the hooks below. The cluster-wide figures
 * (cluster-gauges.ts) are read from the database at scrape time, the same
 * ones the metrics service gives.
 */
export class Telemetry {
  readonly registry = new Registry();
  /** Rolled-up hours as this process decoded them, shared by its metrics requests. */
  readonly rollupCache = new RollupHourCache();
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly now: () => number;
  private pending = new Map<string, HttpCount>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** When the database-derived gauges were last refreshed (epoch ms). */
  gaugesRefreshedAt = 0;

  private readonly m = createProcessMetrics(this.registry);
  private readonly cluster = new ClusterGauges(this.registry);

  /** `db` takes the flushes (each process adds its own counts); `now` is the clock the rest of the server uses. */
  constructor(o: { db: Db; logger: Logger; now: () => number }) {
    this.db = o.db;
    this.logger = o.logger;
    this.now = o.now;
    collectDefaultMetrics({ register: this.registry });
  }

  /** Called by the middleware for every answered request; `route` is a pattern, never a raw URL. */
  recordHttpRequest(route: string, status: number, durationMs: number, method = 'GET'): void {
    const m = METHODS.has(method) ? method : 'OTHER';
    const key = `${m} ${route}`;
    const minute = floorTo(this.now(), MINUTE_MS);
    const id = `${minute}|${key}|${status}`;
    const c = this.pending.get(id);
    if (c) {
      c.count++;
      c.sumMs += durationMs;
    } else {
      this.pending.set(id, { minute: new Date(minute), route: key, status, count: 1, sumMs: durationMs });
      this.trim();
    }
    // The flush writes every request's counts: it runs in no request's log context.
    this.timer ??= runDetached(() =>
      setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, FLUSH_EVERY_MS).unref(),
    );

    const labels = { method: m, route, status: String(status) };
    this.m.httpRequests.inc(labels);
    this.m.httpDuration.observe(labels, durationMs / 1000);
    if (WEBHOOK_ROUTES.has(key)) this.m.deliveries.inc({ route, outcome: deliveryOutcome(route, status) });
    const kind = SYNC_ROUTES[key];
    if (kind) this.m.syncCalls.inc({ kind, outcome: syncOutcome(status) });
  }

  /** Hook for the force sync: one call to Opal and how it went. */
  observeOpalCall(outcome: string, latencyMs: number): void {
    this.m.opalLatency.observe({ outcome }, latencyMs / 1000);
  }

  /** Hook for the force sync: a sync_requests row got its outcome, after `durationMs`. */
  observeSyncFinished(kind: 'force_sync' | 'trigger', status: 'triggered' | 'failed', durationMs: number): void {
    this.m.syncDuration.observe({ kind, status }, durationMs / 1000);
  }

  /** Hook for the projection worker: one event processed (or failed) and its processing time. */
  observeEventProcessed(status: 'processed' | 'failed', processingMs: number | null): void {
    this.m.eventsProcessed.inc({ status });
    if (processingMs !== null) this.m.processingTime.observe(processingMs / 1000);
  }

  /** Hook for the projection worker's sweep: workflows it turned timed_out. */
  observeTimedOut(count: number): void {
    if (count > 0) this.m.timedOut.inc(count);
  }

  /** Hook for refused deliveries (recordRefusal): one per delivery. */
  observeRefusal(reason: RejectionReason): void {
    this.m.refusals.inc({ reason });
  }

  /** Hook for the audit log: what the authentication-failures alert counts (auth.failed rows). */
  observeAuditEntry(e: Pick<AuditEntry, 'action' | 'outcome'>): void {
    if (e.action === 'auth.failed' && e.outcome === 'failure') this.m.authFailures.inc();
  }

  /** This process's state at scrape time: its Opal circuit and its database probes. */
  setProcessState(o: { circuit: CircuitStateName; probes: { consecutive_failures: number; consecutive_successes: number } }): void {
    setCircuitState(this.m.circuit, o.circuit);
    this.m.probeFailures.set(o.probes.consecutive_failures);
    this.m.probeSuccesses.set(o.probes.consecutive_successes);
  }

  /** Sets the cluster-wide gauges from the metrics service's 24-hour figures; null when the database could not be read. */
  setClusterGauges(o: MetricsOverview | null, at: number): void {
    this.gaugesRefreshedAt = at;
    this.cluster.set(o);
  }

  /**
   * Adds the counted requests to the database (awaited on shutdown; tests
   * call it too). One flush at a time; what a failed flush could not write
   * is kept for the next one.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await addHttpCounts(this.db, [...batch.values()]);
    } catch (e) {
      this.logger.warn({ err: e, rows: batch.size }, 'could not write request counts; keeping them for the next flush');
      for (const [id, c] of batch) {
        const now = this.pending.get(id);
        if (now) {
          now.count += c.count;
          now.sumMs += c.sumMs;
        } else this.pending.set(id, c);
      }
      this.trim();
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, FLUSH_EVERY_MS).unref();
    }
  }

  /** Bounded memory while the database is away: the oldest minutes are dropped first (Map keeps insertion order). */
  private trim(): void {
    let excess = this.pending.size - MAX_PENDING_KEYS;
    for (const id of this.pending.keys()) {
      if (excess-- <= 0) break;
      this.pending.delete(id);
    }
  }
}
