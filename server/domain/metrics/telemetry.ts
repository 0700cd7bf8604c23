import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsOverview } from '../../contracts/metrics';
import type { Db } from '../../db/database';
import { SEND_WORKFLOW_EVENT_PATH } from '../opal-tools/tool-paths';
import { addHttpCounts, type HttpCount } from './add-http-counts';
import { RollupHourCache } from './rollup-hour-cache';
import { floorTo, MINUTE_MS } from './time-range';

const FLUSH_EVERY_MS = 10_000;
/** Distinct (minute, route, status) counts kept while the database is away; beyond, the oldest minutes go. */
const MAX_PENDING_KEYS = 10_000;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const WEBHOOK_ROUTES = new Set(['POST /api/webhooks/opal-workflow', `POST ${SEND_WORKFLOW_EVENT_PATH}`]);
const SYNC_ROUTES: Record<string, string> = { 'POST /api/opal/sync': 'force_sync', 'POST /api/orchestrations/trigger': 'trigger' };
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
const WINDOW = '24h';

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
 * Counters and histograms here count what this process saw. The gauges
 * named `opal_*{window="24h"}` are cluster-wide figures read from the
 * database at scrape time (the same ones the metrics service gives).
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

  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP answer time, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'opal_webhook_deliveries_total',
    help: 'Webhook and Opal tool deliveries answered, by outcome (accepted, duplicate, bad_signature, malformed, too_large, rate_limited, error, ...).',
    labelNames: ['route', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly syncCalls = new Counter({
    name: 'opal_force_sync_requests_total',
    help: 'Force sync and trigger calls answered, by kind and outcome (success, refused, opal_failed, unavailable, error).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly syncDuration = new Histogram({
    name: 'opal_force_sync_duration_seconds',
    help: 'Force sync and trigger answer time, Opal call included.',
    labelNames: ['kind'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly opalLatency = new Histogram({
    name: 'opal_call_latency_seconds',
    help: 'Time of the calls to Opal, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private readonly eventsProcessed = new Counter({
    name: 'opal_webhook_events_processed_total',
    help: 'Stored events applied to the projections by this process, by processing status.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  private readonly processingTime = new Histogram({
    name: 'opal_webhook_processing_seconds',
    help: 'Receipt of an event until it is applied to the projections.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  // Cluster-wide, from the database at scrape time.
  private readonly gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames: ['window', ...labelNames], registers: [this.registry] });
  private readonly g = {
    databaseUp: new Gauge({ name: 'opal_metrics_database_up', help: '1 when the last scrape could read the figures from the database.', registers: [this.registry] }),
    activeWorkflows: new Gauge({ name: 'opal_active_workflows', help: 'Workflows running now.', registers: [this.registry] }),
    pendingEvents: new Gauge({ name: 'opal_webhook_pending_events', help: 'Stored events not yet processed (the backlog).', registers: [this.registry] }),
    events: this.gauge('opal_webhook_events', 'Webhook events over the window, by kind (accepted, processing_failed, reported_failure).', ['kind']),
    rejections: this.gauge('opal_webhook_rejections', 'Refused deliveries over the window, by reason.', ['reason']),
    rates: this.gauge('opal_rate_percent', 'Key rates over the window, in percent (force_sync_success, event_processing, workflow_completion, agent_success, signature_failure).', ['metric']),
    agentRate: this.gauge('opal_agent_success_rate_percent', 'Agent success rate over the window, in percent.', ['agent']),
    latencyMs: this.gauge('opal_latency_ms', 'Latency percentiles over the window, in ms (webhook_processing, end_to_end, opal_call, force_sync_response).', ['metric', 'quantile']),
  };

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
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_EVERY_MS).unref();

    const labels = { method: m, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, durationMs / 1000);
    if (WEBHOOK_ROUTES.has(key)) this.deliveries.inc({ route, outcome: deliveryOutcome(route, status) });
    const kind = SYNC_ROUTES[key];
    if (kind) {
      this.syncCalls.inc({ kind, outcome: syncOutcome(status) });
      this.syncDuration.observe({ kind }, durationMs / 1000);
    }
  }

  /** Hook for the Opal client: one call to Opal and how it went. */
  observeOpalCall(outcome: string, latencyMs: number): void {
    this.opalLatency.observe({ outcome }, latencyMs / 1000);
  }

  /** Hook for the projection worker: one event processed (or failed) and its processing time. */
  observeEventProcessed(status: 'processed' | 'failed', processingMs: number | null): void {
    this.eventsProcessed.inc({ status });
    if (processingMs !== null) this.processingTime.observe(processingMs / 1000);
  }

  /** Sets the cluster-wide gauges from the metrics service's 24-hour figures; null when the database could not be read. */
  setClusterGauges(o: MetricsOverview | null, at: number): void {
    this.gaugesRefreshedAt = at;
    this.g.databaseUp.set(o ? 1 : 0);
    for (const gauge of [this.g.events, this.g.rejections, this.g.rates, this.g.agentRate, this.g.latencyMs]) gauge.reset();
    if (!o) return;
    const window = WINDOW;
    this.g.activeWorkflows.set(o.active_workflows);
    this.g.pendingEvents.set(o.pending_events);
    this.g.events.set({ window, kind: 'accepted' }, o.totals.webhook_events);
    this.g.events.set({ window, kind: 'processing_failed' }, o.totals.processing_failures);
    this.g.events.set({ window, kind: 'reported_failure' }, o.totals.reported_failures);
    for (const r of o.rejections_by_reason) this.g.rejections.set({ window, reason: r.reason }, r.count);
    const k = o.key_metrics;
    const rates: [string, number | null][] = [
      ['force_sync_success', k.force_sync_success_rate.value],
      ['event_processing', k.event_processing_rate.value],
      ['webhook_acceptance', k.webhook_acceptance_rate.value],
      ['workflow_completion', k.workflow_completion_rate.value],
      ['agent_success', k.agent_success_rate.value],
      ['signature_failure', k.signature_failure_rate.value],
    ];
    // No value (nothing counted) is no sample, rather than a misleading 0.
    for (const [metric, v] of rates) if (v !== null) this.g.rates.set({ window, metric }, v);
    for (const a of o.agents) if (a.success_rate !== null) this.g.agentRate.set({ window, agent: a.agent_id }, a.success_rate);
    const latencies: [string, { p50: number | null; p95: number | null; p99: number | null }][] = [
      ['webhook_processing', k.webhook_processing_time],
      ['end_to_end', k.end_to_end_time],
      ['opal_call', k.opal_call_latency],
      ['force_sync_response', k.force_sync_response_time],
    ];
    for (const [metric, l] of latencies) {
      for (const [quantile, v] of [['0.5', l.p50], ['0.95', l.p95], ['0.99', l.p99]] as const) {
        if (v !== null) this.g.latencyMs.set({ window, metric, quantile }, v);
      }
    }
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
