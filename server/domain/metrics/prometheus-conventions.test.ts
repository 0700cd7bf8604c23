import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusRules } from '../../../scripts/prometheus-rules';
import { type FakeOpal, startFakeOpal } from '../../test-support/fake-opal';
import { defaultMetricFamilies, withoutFamilies } from '../../test-support/prometheus-exposition';
import { declaredFamilies, isExposed, metricNamesIn, metricNamesInVariable } from '../../test-support/promql-names';
import { PROMTOOL_SKIPPED, promtool } from '../../test-support/promtool';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa } from '../../test-support/webhook-client';

const DASHBOARD = new URL('../../../deploy/grafana/opal-force-sync.json', import.meta.url);
const ADMIN_KEY = 'admin-key-0123456789abcdef0123456789abcdef';
const auth = { authorization: `Bearer ${ADMIN_KEY}` };

interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[];
  schemaVersion: number;
  panels: { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
  templating: { list: { query: { query: string } | string }[] };
}

const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

async function forceSync(url: string): Promise<number> {
  const res = await fetch(`${url}/api/opal/sync`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{}' });
  await res.body?.cancel();
  return res.status;
}

describe.each(testDrivers)('/metrics against Prometheus conventions, on a live server on %s', (driver) => {
  let s: TestServer;
  let opal: FakeOpal;
  let closedText: string;
  let text: string;
  const scrape = async () => {
    const res = await fetch(`${s.url}/metrics`, { headers: auth });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    opal = await startFakeOpal();
    s = await startTestServer(driver, { opal: { webhookUrl: opal.url }, apiKeys: [{ name: 'ops', role: 'admin', key: ADMIN_KEY }] });
    const secret = s.config.webhook.secrets[0]!;
    for (let i = 0; i < 3; i++) expect((await postOsa(s.url, secret, makeEvent())).status).toBe(202);
    expect((await postOsa(s.url, 'not-the-secret-not-the-secret-not-the-secret', makeEvent())).status).toBe(401);
    expect((await fetch(`${s.url}/api/metrics`, { headers: { authorization: 'Bearer wrong-key' } })).status).toBe(401);
    expect(await forceSync(s.url)).toBe(200);
    await s.settle();
    closedText = await scrape();
    // Opal answers what is not JSON: each call fails (it may have started, so it is not retried). The circuit
    // (5 calls in its window, 50 % failing: opal-client.ts's defaults) opens on the fourth failure.
    opal.setBehaviour({ kind: 'not_json' });
    for (let i = 0; i < 4; i++) expect(await forceSync(s.url)).toBe(502);
    expect(await forceSync(s.url)).toBe(503);
    text = await scrape();
  });
  afterAll(async () => {
    await s?.stop();
    await opal?.close();
  });

  it.skipIf(PROMTOOL_SKIPPED)("promtool check metrics finds nothing in the project's families; what it says is only about prom-client's defaults", async () => {
    const defaults = await defaultMetricFamilies();
    const own = promtool(['check', 'metrics'], { input: withoutFamilies(text, defaults) });
    expect(own).toEqual({ status: 0, output: '' });

    const all = promtool(['check', 'metrics'], { input: text });
    const flagged = new Set(all.output.split('\n').filter(Boolean).map((l) => l.split(' ')[0]!));
    // prom-client names three gauges nodejs_active_*_total; they are its defaults, kept as they are.
    for (const name of flagged) expect(defaults.has(name), `promtool: ${all.output}`).toBe(true);
  });

  it('latencies are histograms in seconds with samples, rates are ratios, and no gauge claims quantiles', () => {
    const families = declaredFamilies(text);
    for (const name of ['http_request_duration_seconds', 'opal_force_sync_duration_seconds', 'opal_call_latency_seconds', 'opal_webhook_processing_seconds']) {
      expect(families.get(name), name).toBe('histogram');
    }
    expect(sample(text, 'opal_force_sync_duration_seconds_count{kind="force_sync",status="triggered"}')).toBe(1);
    // Four failed calls and the one the open circuit refused: each a failed sync_requests row.
    expect(sample(text, 'opal_force_sync_duration_seconds_count{kind="force_sync",status="failed"}')).toBe(5);
    expect(sample(text, 'opal_call_latency_seconds_count{outcome="started"}')).toBe(1);
    expect(sample(text, 'opal_call_latency_seconds_count{outcome="bad_response"}')).toBe(4);
    expect(sample(text, 'opal_call_latency_seconds_count{outcome="circuit_open"}')).toBe(1);
    expect(sample(text, 'opal_webhook_processing_seconds_count')).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/api/webhooks/opal-workflow",status="202"}')).toBe(3);
    expect(sample(text, 'opal_webhook_refusals_total{reason="invalid_signature"}')).toBe(1);
    expect(sample(text, 'opal_auth_failures_total')).toBe(1);

    const own = [...families.keys()].filter((n) => n.startsWith('opal_') || n.startsWith('http_'));
    expect(own.filter((n) => /_(ms|percent)(_|$)/.test(n))).toEqual([]);
    expect(text.split('\n').filter((l) => /^opal_\w+\{[^}]*quantile=/.test(l))).toEqual([]);
    for (const metric of ['force_sync_success', 'event_processing', 'webhook_acceptance']) {
      expect(sample(text, `opal_rate_ratio{window="24h",metric="${metric}"}`), metric).toBeGreaterThanOrEqual(0);
      expect(sample(text, `opal_rate_ratio{window="24h",metric="${metric}"}`), metric).toBeLessThanOrEqual(1);
    }
    expect(sample(text, 'opal_latency_p95_seconds{window="24h",metric="force_sync_response"}')).toBeGreaterThan(0);
  });

  it("the Opal circuit's state per process: closed, then open once Opal keeps failing", () => {
    const states = (t: string) => Object.fromEntries(['closed', 'open', 'half_open'].map((st) => [st, sample(t, `opal_circuit_state{state="${st}"}`)]));
    expect(states(closedText)).toEqual({ closed: 1, open: 0, half_open: 0 });
    expect(states(text)).toEqual({ closed: 0, open: 1, half_open: 0 });
    expect(s.ctx.opal.client.circuitState()).toBe('open');
  });

  it('every series the Grafana dashboard and the alert rules read is on /metrics', async () => {
    const families = declaredFamilies(text);
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
    const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const variables = dashboard.templating.list.map((v) => (typeof v.query === 'string' ? v.query : v.query.query));
    const dashboardNames = new Set([...queries.flatMap(metricNamesIn), ...variables.flatMap(metricNamesInVariable)]);
    expect(dashboardNames.size).toBeGreaterThan(10);
    expect([...dashboardNames].filter((n) => !isExposed(families, n))).toEqual([]);

    const rules = prometheusRules();
    const recorded = new Set(rules.flatMap((r) => ('record' in r ? [r.record] : [])));
    const ruleNames = new Set(rules.flatMap((r) => metricNamesIn(r.expr)));
    expect([...ruleNames].filter((n) => !isExposed(families, n) && !recorded.has(n) && n !== 'ALERTS')).toEqual([]);
  });
});

describe('the Grafana dashboard', () => {
  it('takes its Prometheus as an import input and covers the overview: success rates, P50/P95/P99, volume, errors, backlog, circuit', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    for (const p of panels) expect(p.datasource?.uid, p.title).toBe('${DS_PROMETHEUS}');
    const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    for (const q of [0.5, 0.95, 0.99]) expect(queries).toContain(`histogram_quantile(${q}, sum by (le) (rate(opal_force_sync_duration_seconds_bucket`);
    for (const name of ['opal_force_sync_duration_seconds_count', 'opal_force_sync_requests_total', 'http_requests_total{status=~"[45]..', 'opal_webhook_pending_events', 'opal_circuit_state']) {
      expect(queries).toContain(name);
    }
  });

  it.skipIf(PROMTOOL_SKIPPED)('every query is PromQL that Prometheus parses (promtool check rules over them)', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    // Grafana's variables, as Grafana substitutes them.
    const promql = exprs.map((e) => e.replaceAll('$__rate_interval', '1m').replaceAll('$instance', '.*'));
    const rules = promql.map((e, i) => `      - record: dashboard:query${i}\n        expr: ${JSON.stringify(e)}`).join('\n');
    const dir = await mkdtemp(join(tmpdir(), 'dashboard-promql-'));
    try {
      await writeFile(join(dir, 'queries.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
      const r = promtool(['check', 'rules', 'queries.yml'], { cwd: dir });
      expect(r.output).toContain(`SUCCESS: ${exprs.length} rules found`);
      expect(r.status).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
