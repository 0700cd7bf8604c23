import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AlertRules, DEFAULT_ALERT_RULES, THRESHOLD_RULE_NAMES, type ThresholdRule } from '../server/domain/alerts/alert-rules';
import { PROMTOOL_SKIPPED, promtool } from '../server/test-support/promtool';
import { PROMETHEUS_RULES_FILE, promDuration, prometheusRulesYaml } from './prometheus-rules';

const DIR = fileURLToPath(new URL('../deploy/prometheus/', import.meta.url));
const committed = () => readFile(new URL(`../${PROMETHEUS_RULES_FILE}`, import.meta.url), 'utf8');

interface RulesFile {
  groups: { name: string; rules: ({ record: string; expr: string } | { alert: string; expr: string; labels: Record<string, string> })[] }[];
}
interface RulesTestFile {
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

/** The committed file's rules, read from the file (not from the generator). */
const committedRules = async () => (parse(await committed()) as RulesFile).groups.flatMap((g) => g.rules);
const committedAlerts = async () => (await committedRules()).flatMap((r) => ('alert' in r ? [r] : []));
const committedRecords = async () => new Map((await committedRules()).flatMap((r) => ('record' in r ? [[r.record, r.expr] as const] : [])));

/** A threshold as the rules write it: percent as a ratio, ms as seconds. */
const inBaseUnit = (r: ThresholdRule, v: number) => String(r.unit === 'percent' ? v / 100 : r.unit === 'ms' ? v / 1000 : v);

describe('deploy/prometheus/alerts.yml', () => {
  it('is what alert-rules.ts generates now (npm run generate:prometheus-rules)', async () => {
    expect(await committed(), `${PROMETHEUS_RULES_FILE} is stale: run npm run generate:prometheus-rules`).toBe(prometheusRulesYaml());
  });

  it('has one alert for each built-in rule, with its severity, thresholds, window and minimum sample', async () => {
    const alerts = await committedAlerts();
    const names = Object.keys(DEFAULT_ALERT_RULES) as (keyof AlertRules)[];
    expect(alerts.map((a) => a.labels.rule).sort()).toEqual([...names].sort());
    const twin = (name: keyof AlertRules) => alerts.find((a) => a.labels.rule === name)!;
    for (const name of names) expect(twin(name).labels.severity, name).toBe(DEFAULT_ALERT_RULES[name].severity);
    const records = await committedRecords();
    for (const name of THRESHOLD_RULE_NAMES) {
      const r = DEFAULT_ALERT_RULES[name];
      const { expr } = twin(name);
      const op = r.bad === 'above' ? '>' : '<';
      expect(expr.split('\n').some((line) => line.endsWith(` ${op} ${inBaseUnit(r, r.fireAt)}`)), `${name} fires ${op} ${r.fireAt}`).toBe(true);
      if (r.resolveAt !== r.fireAt) expect(expr, name).toContain(` ${op} ${inBaseUnit(r, r.resolveAt)} and on() ALERTS{`);
      if (r.minSample > 0) expect(expr, name).toContain(`>= ${r.minSample}`);
      // The window is in the recorded series the alert reads.
      const read = [...expr.matchAll(/opal:[\w:]+/g)].map((m) => records.get(m[0]) ?? '');
      if (r.windowMs > 0) expect(read.some((e) => e.includes(`[${promDuration(r.windowMs)}]`)), `${name} over ${promDuration(r.windowMs)}`).toBe(true);
    }
    const db = DEFAULT_ALERT_RULES.database_connection;
    expect(twin('database_connection').expr).toContain(`opal_database_probe_consecutive_failures >= ${db.failuresToFire}`);
    expect(twin('database_connection').expr).toContain(`opal_database_probe_consecutive_successes < ${db.successesToResolve}`);
  });

  it.skipIf(PROMTOOL_SKIPPED)('passes promtool check rules', async () => {
    const r = promtool(['check', 'rules', 'alerts.yml'], { cwd: DIR });
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.output).not.toMatch(/WARNING|FAILED/);
    expect(r.status).toBe(0);
  });

  it.skipIf(PROMTOOL_SKIPPED)("passes its unit tests (promtool test rules alerts.test.yml)", () => {
    const r = promtool(['test', 'rules', 'alerts.test.yml'], { cwd: DIR });
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('alerts.test.yml has each critical alert both firing and not firing', async () => {
    const tests = parse(await readFile(`${DIR}alerts.test.yml`, 'utf8')) as RulesTestFile;
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    const critical = (await committedAlerts()).filter((a) => a.labels.severity === 'critical');
    expect(critical).toHaveLength(Object.values(DEFAULT_ALERT_RULES).filter((r) => r.severity === 'critical').length);
    for (const { alert } of critical) {
      const of = cases.filter((c) => c.alertname === alert);
      expect(of.some((c) => c.exp_alerts.length === 0), `${alert} not firing`).toBe(true);
      expect(of.some((c) => c.exp_alerts.length > 0), `${alert} firing`).toBe(true);
    }
  });
});
