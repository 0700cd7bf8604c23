import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CIRCUIT_STATES, type CircuitStateName } from '../../contracts/force-sync';
import { REJECTION_REASONS } from '../../contracts/diagnostics';
import { SEND_WORKFLOW_EVENT_PATH } from '../opal-tools/tool-paths';

/** Every answer, the webhook receiver's included: the runbook's target for it is 2 s. */
export const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
/**
 * Calls to Opal and force syncs: 4 and 5 s are the response-time alert's
 * resolve and fire thresholds (so its P95 is exact there), 15 s the
 * client's total deadline.
 */
export const OPAL_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 15, 20, 30];
/** Receipt of an event until it is applied: milliseconds normally, minutes with a backlog. */
export const PROCESSING_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

export const WEBHOOK_ROUTE = '/api/webhooks/opal-workflow';
export const SYNC_KINDS = ['force_sync', 'trigger'] as const;
export const SYNC_STATUSES = ['triggered', 'failed'] as const;

/**
 * This process's own counters, histograms and state gauges (what it saw,
 * summed across processes by Prometheus). Series an alert takes `increase()`
 * of are created at 0 up front: a series that appears with its first event
 * would hide that event from `increase()`, and an absent one from `< 1`.
 */
export function createProcessMetrics(registry: Registry) {
  const registers = [registry];
  const m = {
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP answer time in seconds, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    deliveries: new Counter({
      name: 'opal_webhook_deliveries_total',
      help: 'Webhook and Opal tool deliveries answered, by route and outcome (accepted = stored; duplicate, bad_signature, unauthorized, malformed, too_large, rate_limited, error, refused).',
      labelNames: ['route', 'outcome'] as const,
      registers,
    }),
    refusals: new Counter({
      name: 'opal_webhook_refusals_total',
      help: 'Refused deliveries, by reason (the reasons of webhook_rejections; each delivery counted once).',
      labelNames: ['reason'] as const,
      registers,
    }),
    syncCalls: new Counter({
      name: 'opal_force_sync_requests_total',
      help: 'Force sync and trigger calls answered over HTTP, by kind and outcome (success, refused, opal_failed, unavailable, error).',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    syncDuration: new Histogram({
      name: 'opal_force_sync_duration_seconds',
      help: 'Force syncs and triggers that reached Opal, in seconds from the request to the stored outcome (sync_requests.duration_ms), by kind and status (triggered, failed).',
      labelNames: ['kind', 'status'] as const,
      buckets: OPAL_BUCKETS,
      registers,
    }),
    opalLatency: new Histogram({
      name: 'opal_call_latency_seconds',
      help: 'Time of the calls to Opal in seconds, retries included, by outcome.',
      labelNames: ['outcome'] as const,
      buckets: OPAL_BUCKETS,
      registers,
    }),
    eventsProcessed: new Counter({
      name: 'opal_webhook_events_processed_total',
      help: 'Stored events applied to the projections by this process, by processing status.',
      labelNames: ['status'] as const,
      registers,
    }),
    processingTime: new Histogram({
      name: 'opal_webhook_processing_seconds',
      help: 'Receipt of an event until it is applied to the projections, in seconds.',
      buckets: PROCESSING_BUCKETS,
      registers,
    }),
    authFailures: new Counter({
      name: 'opal_auth_failures_total',
      help: 'Failed authentications (API keys, sessions, console logins): the audit log rows auth.failed.',
      registers,
    }),
    timedOut: new Counter({
      name: 'opal_workflows_timed_out_total',
      help: 'Running workflows this process turned timed_out (no callback for OPAL_WORKFLOW_TIMEOUT_MIN).',
      registers,
    }),
    circuit: new Gauge({
      name: 'opal_circuit_state',
      help: "This process's circuit breaker in front of Opal: 1 for the state it is in (closed, open, half_open), 0 for the others. Open refuses force syncs at once (503).",
      labelNames: ['state'] as const,
      registers,
    }),
    probeFailures: new Gauge({
      name: 'opal_database_probe_consecutive_failures',
      help: "Consecutive failed database probes of this process (every 5 s; the database-connection alert fires at 2). 0 once a probe succeeds.",
      registers,
    }),
    probeSuccesses: new Gauge({
      name: 'opal_database_probe_consecutive_successes',
      help: 'Consecutive successful database probes of this process (the database-connection alert resolves at 2). 0 once a probe fails.',
      registers,
    }),
  };
  for (const route of [WEBHOOK_ROUTE, SEND_WORKFLOW_EVENT_PATH]) m.deliveries.inc({ route, outcome: 'accepted' }, 0);
  for (const reason of REJECTION_REASONS) m.refusals.inc({ reason }, 0);
  for (const kind of SYNC_KINDS) for (const status of SYNC_STATUSES) m.syncDuration.zero({ kind, status });
  setCircuitState(m.circuit, 'closed');
  return m;
}

export type ProcessMetrics = ReturnType<typeof createProcessMetrics>;

export function setCircuitState(gauge: Gauge<'state'>, current: CircuitStateName): void {
  for (const state of CIRCUIT_STATES) gauge.set({ state }, state === current ? 1 : 0);
}
