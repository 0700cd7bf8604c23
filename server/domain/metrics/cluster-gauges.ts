import { Gauge, type Registry } from 'prom-client';
import type { MetricsOverview } from '../../contracts/metrics';

const WINDOW = '24h';
const PERCENTILES = ['p50', 'p95', 'p99'] as const;

/**
 * Cluster-wide figures read from the database at scrape time (the metrics
 * service's 24-hour figures): every process reports the same values, so
 * aggregate them with `max`, never `sum`. Rates are ratios (0–1) and times
 * seconds, Prometheus' base units; the window's percentiles are one gauge
 * per percentile, since a gauge with a `quantile` label claims to be a
 * summary and no one can aggregate it. Use the histograms for percentiles
 * across processes and windows of your choosing.
 */
export class ClusterGauges {
  private readonly databaseUp: Gauge;
  private readonly activeWorkflows: Gauge;
  private readonly pendingEvents: Gauge;
  private readonly events: Gauge<'window' | 'kind'>;
  private readonly rejections: Gauge<'window' | 'reason'>;
  private readonly rates: Gauge<'window' | 'metric'>;
  private readonly agentRates: Gauge<'window' | 'agent'>;
  private readonly latency: Record<(typeof PERCENTILES)[number], Gauge<'window' | 'metric'>>;

  constructor(registry: Registry) {
    const registers = [registry];
    const windowed = <L extends string>(name: string, help: string, label: L) =>
      new Gauge<'window' | L>({ name, help, labelNames: ['window', label], registers });
    this.databaseUp = new Gauge({ name: 'opal_metrics_database_up', help: '1 when the last scrape could read the figures from the database.', registers });
    this.activeWorkflows = new Gauge({ name: 'opal_active_workflows', help: 'Workflows running now (cluster-wide).', registers });
    this.pendingEvents = new Gauge({ name: 'opal_webhook_pending_events', help: 'Stored events not yet processed: the backlog (cluster-wide).', registers });
    this.events = windowed('opal_webhook_events', 'Webhook events over the window, by kind (accepted, processing_failed, reported_failure).', 'kind');
    this.rejections = windowed('opal_webhook_rejections', 'Refused deliveries over the window, by reason.', 'reason');
    this.rates = windowed(
      'opal_rate_ratio',
      'Key rates over the window, as a ratio from 0 to 1 (force_sync_success, event_processing, webhook_acceptance, workflow_completion, agent_success, signature_failure).',
      'metric',
    );
    this.agentRates = windowed('opal_agent_success_ratio', 'Agent success rate over the window, as a ratio from 0 to 1.', 'agent');
    const latency = (p: (typeof PERCENTILES)[number]) =>
      windowed(
        `opal_latency_${p}_seconds`,
        `${p.toUpperCase()} over the window, in seconds, of webhook_processing, end_to_end, opal_call and force_sync_response (from the stored figures).`,
        'metric',
      );
    this.latency = { p50: latency('p50'), p95: latency('p95'), p99: latency('p99') };
  }

  /** The figures of `o`; null when the database could not be read (the labelled figures go, the last counts stay). */
  set(o: MetricsOverview | null): void {
    this.databaseUp.set(o ? 1 : 0);
    for (const gauge of [this.events, this.rejections, this.rates, this.agentRates, ...Object.values(this.latency)]) gauge.reset();
    if (!o) return;
    const window = WINDOW;
    this.activeWorkflows.set(o.active_workflows);
    this.pendingEvents.set(o.pending_events);
    this.events.set({ window, kind: 'accepted' }, o.totals.webhook_events);
    this.events.set({ window, kind: 'processing_failed' }, o.totals.processing_failures);
    this.events.set({ window, kind: 'reported_failure' }, o.totals.reported_failures);
    for (const r of o.rejections_by_reason) this.rejections.set({ window, reason: r.reason }, r.count);
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
    for (const [metric, v] of rates) if (v !== null) this.rates.set({ window, metric }, v / 100);
    for (const a of o.agents) if (a.success_rate !== null) this.agentRates.set({ window, agent: a.agent_id }, a.success_rate / 100);
    const latencies: [string, Record<(typeof PERCENTILES)[number], number | null>][] = [
      ['webhook_processing', k.webhook_processing_time],
      ['end_to_end', k.end_to_end_time],
      ['opal_call', k.opal_call_latency],
      ['force_sync_response', k.force_sync_response_time],
    ];
    for (const [metric, l] of latencies) {
      for (const p of PERCENTILES) {
        const ms = l[p];
        if (ms !== null) this.latency[p].set({ window, metric }, ms / 1000);
      }
    }
  }
}
