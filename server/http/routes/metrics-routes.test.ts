import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsOverviewSchema } from '../../contracts/metrics';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa } from '../../test-support/webhook-client';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the Prometheus text format (0.0.4): every line a comment or a sample of a declared family. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})? (\S+)( -?\d+)?$/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`bad value: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(m[1]!) && !types.has(family)) throw new Error(`sample of an undeclared metric: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { types, samples };
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each(testDrivers)('GET /metrics and GET /api/metrics on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { opal: { simulator: { delayMs: 5, failureRate: 0 } } });
  });
  afterAll(() => s?.stop());

  it('serves Prometheus text with the process, HTTP, webhook, force sync and cluster-wide metrics', async () => {
    const secret = s.config.webhook.secrets[0]!;
    expect((await postOsa(s.url, secret, makeEvent())).status).toBe(202);
    expect((await postOsa(s.url, 'wrong-secret-wrong-secret-wrong-secret', makeEvent())).status).toBe(401);
    const sync = await fetch(`${s.url}/api/opal/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(sync.status).toBe(200);
    await s.settle();
    await s.ctx.rejections.flush();

    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
    const { types, samples } = parsePrometheus(await res.text());
    for (const [name, type] of [
      ['process_cpu_user_seconds_total', 'counter'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
      ['http_requests_total', 'counter'],
      ['http_request_duration_seconds', 'histogram'],
      ['opal_webhook_deliveries_total', 'counter'],
      ['opal_force_sync_requests_total', 'counter'],
      ['opal_force_sync_duration_seconds', 'histogram'],
      ['opal_call_latency_seconds', 'histogram'],
      ['opal_webhook_processing_seconds', 'histogram'],
      ['opal_active_workflows', 'gauge'],
      ['opal_webhook_pending_events', 'gauge'],
      ['opal_webhook_events', 'gauge'],
      ['opal_rate_ratio', 'gauge'],
      ['opal_latency_p50_seconds', 'gauge'],
      ['opal_latency_p95_seconds', 'gauge'],
      ['opal_latency_p99_seconds', 'gauge'],
      ['opal_webhook_refusals_total', 'counter'],
      ['opal_auth_failures_total', 'counter'],
      ['opal_workflows_timed_out_total', 'counter'],
      ['opal_circuit_state', 'gauge'],
      ['opal_database_probe_consecutive_failures', 'gauge'],
    ] as const) {
      expect(types.get(name), name).toBe(type);
    }
    expect(valueOf(samples, 'opal_webhook_deliveries_total', { outcome: 'accepted' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'opal_webhook_deliveries_total', { outcome: 'bad_signature' })).toBe(1);
    expect(valueOf(samples, 'opal_force_sync_requests_total', { kind: 'force_sync', outcome: 'success' })).toBe(1);
    expect(valueOf(samples, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/opal/sync', status: '200' })).toBe(1);
    expect(valueOf(samples, 'opal_metrics_database_up')).toBe(1);
    // From the database, cluster-wide: the event posted above and the simulator's callbacks.
    expect(valueOf(samples, 'opal_webhook_events', { window: '24h', kind: 'accepted' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'opal_webhook_rejections', { window: '24h', reason: 'invalid_signature' })).toBe(1);
    expect(valueOf(samples, 'opal_rate_ratio', { window: '24h', metric: 'force_sync_success' })).toBe(1);
    expect(valueOf(samples, 'opal_webhook_refusals_total', { reason: 'invalid_signature' })).toBe(1);
    expect(valueOf(samples, 'opal_force_sync_duration_seconds_count', { kind: 'force_sync', status: 'triggered' })).toBe(1);
    expect(valueOf(samples, 'opal_circuit_state', { state: 'closed' })).toBe(1);
  });

  it('answers the metrics service as JSON with success: true', async () => {
    const r = await getJson(`${s.url}/api/metrics?range=1h&_=cache-buster`);
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    const { success: _s, ...overview } = r.body;
    expect(metricsOverviewSchema.parse(overview).range).toMatchObject({ preset: '1h', bucket_ms: 60_000 });
    expect((await getJson(`${s.url}/api/metrics`)).body).toMatchObject({ range: { preset: '24h' } });
    const custom = await getJson(`${s.url}/api/metrics?range=custom&from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z`);
    expect(custom.status).toBe(200);
    expect(custom.body).toMatchObject({ range: { preset: 'custom', from: '2026-01-01T00:00:00.000Z', bucket_ms: 3_600_000 } });
  });

  it.each([
    ['range=custom without dates', 'range=custom', ['from', 'to']],
    ['from after to', 'range=custom&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', ['to']],
    ['a range over 31 days', 'range=custom&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', ['to']],
    ['a date that is not ISO 8601', 'range=custom&from=yesterday&to=2026-01-01T00:00:00Z', ['from']],
    ['an unknown range', 'range=forever', ['range']],
  ])('refuses %s with 400 naming the field', async (_name, query, fields) => {
    const r = await getJson(`${s.url}/api/metrics?${query}`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ success: false, error: 'Validation Error' });
    expect((r.body.details as { field_errors: { path: string }[] }).field_errors.map((f) => f.path)).toEqual(fields);
  });
});

describe.each(testDrivers)('metrics access with API keys on %s', (driver) => {
  let s: TestServer;
  const keys = { client: 'client-key-0123456789abcdef0123456789abcdef', viewer: 'viewer-key-0123456789abcdef0123456789abcdef' };
  beforeAll(async () => {
    s = await startTestServer(driver, {
      apiKeys: [
        { name: 'acme-app', role: 'client', key: keys.client },
        { name: 'grafana', role: 'viewer', key: keys.viewer },
      ],
    });
  });
  afterAll(() => s?.stop());

  it.each(['/metrics', '/api/metrics'])('%s needs a viewer, operator or admin: 401 without a key, 403 for a client', async (path) => {
    expect((await fetch(`${s.url}${path}`)).status).toBe(401);
    expect((await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${keys.client}` } })).status).toBe(403);
    expect((await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${keys.viewer}` } })).status).toBe(200);
  });
});
