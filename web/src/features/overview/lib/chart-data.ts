import type { MetricsOverview } from '@contracts/metrics';

/** The ranges the Overview offers (the contract's presets; `custom` is the API's). */
export const RANGES = [
  { value: '1h', label: '1 h', title: 'The last hour, per minute' },
  { value: '24h', label: '24 h', title: 'The last 24 hours, per hour' },
  { value: '7d', label: '7 d', title: 'The last 7 days, per hour' },
] as const satisfies readonly { value: Exclude<MetricsOverview['range']['preset'], 'custom'>; label: string; title: string }[];
export type OverviewRange = (typeof RANGES)[number]['value'];
export const isRange = (s: string): s is OverviewRange => RANGES.some((r) => r.value === s);

const HOUR = 3_600_000;

/** "per minute", "per hour", "per 6 hours": what one bar or point stands for. */
export function bucketLabel(bucketMs: number): string {
  if (bucketMs === 60_000) return 'per minute';
  if (bucketMs === HOUR) return 'per hour';
  if (bucketMs % HOUR === 0) return `per ${bucketMs / HOUR} hours`;
  return `per ${Math.round(bucketMs / 60_000)} min`;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayClock = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** An axis tick in the browser's zone: the time of day, with the weekday once a range spans days. */
export function tickFormatter(spanMs: number): (t: number) => string {
  const f = spanMs > 36 * HOUR ? dayClock : clock;
  return (t: number) => f.format(new Date(t));
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Requests per bucket, split by answer class (the bars stack to the total). */
export function requestVolume(m: MetricsOverview) {
  return m.series.request_volume.map((b) => ({
    t: Date.parse(b.t),
    ok: Math.max(0, b.count - b.client_errors - b.server_errors),
    client_errors: b.client_errors,
    server_errors: b.server_errors,
    total: b.count,
  }));
}

export function latency(m: MetricsOverview) {
  return m.series.latency.map((b) => ({ t: Date.parse(b.t), count: b.count, p50: b.p50, p95: b.p95, p99: b.p99 }));
}

export function workflowsOverTime(m: MetricsOverview) {
  return m.series.workflows_by_status.map((b) => ({ t: Date.parse(b.t), completed: b.completed, failed: b.failed, timed_out: b.timed_out, running: b.running, started: b.started }));
}

export function webhookDeliveries(m: MetricsOverview) {
  return m.series.webhook.map((b) => ({
    t: Date.parse(b.t),
    processed: Math.max(0, b.accepted - b.processing_failed),
    processing_failed: b.processing_failed,
    refused: b.refused,
    reported_failures: b.reported_failures,
  }));
}

/** Copies of stored events over deliveries, per bucket: a retry storm from Opal or a relay stands out as a tall bar. */
export function duplicateRates(m: MetricsOverview) {
  return m.series.duplicates.map((b) => ({ t: Date.parse(b.t), rate: b.rate, deliveries: b.deliveries, duplicates: b.duplicates }));
}

/** The busiest endpoints (the chart has room for about ten), each with its success rate. */
export function endpoints(m: MetricsOverview, max = 10) {
  return m.success_rate_by_endpoint
    .filter((e) => e.total > 0)
    .slice(0, max)
    .map((e) => ({ route: e.route, success_rate: e.success_rate ?? 0, total: e.total, errors: e.client_errors + e.server_errors, avg_ms: e.avg_ms }));
}

export function agents(m: MetricsOverview) {
  return m.agents.filter((a) => a.total > 0).map((a) => ({ agent_id: a.agent_id, success_rate: a.success_rate ?? 0, total: a.total, failures: a.failures }));
}

/** How a table cell is written: the same formatters as the chart's axes and tooltips. */
export type CellKind = 'time' | 'count' | 'duration' | 'percent' | 'text';

/** A chart's text alternative: the numbers it draws, as rows. */
export interface ChartTable {
  columns: { label: string; kind: CellKind }[];
  rows: (number | string | null)[][];
}

/**
 * A time-series chart's table: a row per bucket with something drawn (empty
 * buckets left out, as the caption says), a column per series the chart draws.
 */
export function seriesTable<T extends { t: number }>(data: readonly T[], series: readonly { key: string; name: string }[], kind: CellKind = 'count'): ChartTable {
  const value = (d: T, key: string) => (d as unknown as Record<string, number | null | undefined>)[key] ?? null;
  return {
    columns: [{ label: 'Time', kind: 'time' }, ...series.map((s) => ({ label: s.name, kind }))],
    rows: data.filter((d) => series.some((s) => (value(d, s.key) ?? 0) !== 0)).map((d) => [d.t, ...series.map((s) => value(d, s.key))]),
  };
}
