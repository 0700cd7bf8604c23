import { describe, expect, it } from 'vitest';
import type { MetricsOverview } from '@contracts/metrics';
import { bucketLabel, endpoints, isRange, requestVolume, seriesTable } from './chart-data';

const overview = (over: Partial<MetricsOverview['series']>, endpointsList: MetricsOverview['success_rate_by_endpoint'] = []) =>
  ({ series: { request_volume: [], webhook: [], latency: [], workflows_by_status: [], force_sync: [], ...over }, success_rate_by_endpoint: endpointsList }) as unknown as MetricsOverview;

describe('overview chart data', () => {
  it('stacks request volume so the parts add up to the count', () => {
    const rows = requestVolume(overview({ request_volume: [{ t: '2026-01-01T00:00:00Z', count: 10, client_errors: 2, server_errors: 1 }] }));
    expect(rows).toEqual([{ t: Date.parse('2026-01-01T00:00:00Z'), ok: 7, client_errors: 2, server_errors: 1, total: 10 }]);
  });

  it('names buckets and accepts only the offered ranges', () => {
    expect(bucketLabel(60_000)).toBe('per minute');
    expect(bucketLabel(3_600_000)).toBe('per hour');
    expect(bucketLabel(6 * 3_600_000)).toBe('per 6 hours');
    expect(isRange('24h')).toBe(true);
    expect(isRange('custom')).toBe(false);
  });

  it('keeps the busiest endpoints with traffic', () => {
    const list = Array.from({ length: 12 }, (_, i) => ({ route: `GET /r${i}`, total: 12 - i, success_rate: 100, client_errors: 0, server_errors: 0, avg_ms: 1 }));
    expect(endpoints(overview({}, list)).map((e) => e.route)).toHaveLength(10);
  });
});

describe('chart tables (the charts’ text alternative)', () => {
  it('has a row per bucket the chart draws something in, with the very numbers the bars stack', () => {
    const m = overview({
      request_volume: [
        { t: '2026-01-01T00:00:00Z', count: 10, client_errors: 2, server_errors: 1 },
        { t: '2026-01-01T01:00:00Z', count: 0, client_errors: 0, server_errors: 0 },
        { t: '2026-01-01T02:00:00Z', count: 4, client_errors: 0, server_errors: 4 },
      ],
    });
    const bars = [
      { key: 'ok', name: '2xx/3xx' },
      { key: 'client_errors', name: '4xx' },
      { key: 'server_errors', name: '5xx' },
    ];
    const table = seriesTable(requestVolume(m), bars);
    expect(table.columns.map((c) => c.label)).toEqual(['Time', '2xx/3xx', '4xx', '5xx']);
    expect(table.rows).toEqual([
      [Date.parse('2026-01-01T00:00:00Z'), 7, 2, 1],
      [Date.parse('2026-01-01T02:00:00Z'), 0, 0, 4],
    ]);
  });

  it('keeps a gap in a line as an empty cell, not a zero', () => {
    const data = [{ t: 1, count: 3, p50: 12, p95: null as number | null }];
    expect(seriesTable(data, [{ key: 'p50', name: 'P50' }, { key: 'p95', name: 'P95' }], 'duration').rows).toEqual([[1, 12, null]]);
  });
});
