/**
 * deploy/prometheus/alerts.yml, built from the built-in alert rules
 * (server/domain/alerts/alert-rules.ts) so the two cannot drift: the same
 * thresholds, windows, minimum samples, hysteresis and severities, over the
 * metrics `/metrics` exposes. `npm run generate:prometheus-rules` writes it;
 * a test fails when the committed file is stale.
 *
 * How the built-in behaviour is expressed in PromQL:
 * - a window is `increase()` over it (extrapolated, so counts near a
 *   threshold are approximate); counters are summed over processes, the
 *   cluster-wide gauges (the same in every process) taken with `max`;
 * - the resolve threshold (hysteresis) holds a firing alert through its own
 *   `ALERTS{alertstate="firing"}` series;
 * - too small a sample judges nothing; a firing alert whose sample falls
 *   under the minimum is held while a usable sample was seen within
 *   `resolveWithoutDataAfterMs` (max_over_time of the recorded sample).
 */
import { type AlertRules, DEFAULT_ALERT_RULES, type ThresholdRule, type ThresholdRuleName } from '../server/domain/alerts/alert-rules';
import { SIGNATURE_REJECTION_REASONS } from '../server/domain/alerts/gather-alert-figures';

export const PROMETHEUS_RULES_FILE = 'deploy/prometheus/alerts.yml';
export const GROUP_NAME = 'opal-force-sync';

export interface RecordingRule {
  record: string;
  expr: string;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  labels: { severity: string; rule: keyof AlertRules };
  annotations: { summary: string; description: string };
}
export type PrometheusRule = RecordingRule | AlertingRule;

/** Prometheus' duration syntax: 15m, 1h, 30s. */
export function promDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** A threshold in the metric's base unit: percent becomes a ratio, ms seconds. */
function scaled(rule: ThresholdRule, v: number): number {
  const n = rule.unit === 'percent' ? v / 100 : rule.unit === 'ms' ? v / 1000 : v;
  return Number(n.toPrecision(12));
}

const shown = (rule: ThresholdRule, v: number) => (rule.unit === 'percent' ? `${v}%` : rule.unit === 'ms' ? `${v / 1000} s` : String(v));
/** A held alert's ratio or percentile can be NaN (nothing counted): said in words, not "NaN%". */
const valueTemplate = (rule: ThresholdRule) => {
  const filter = rule.unit === 'percent' ? 'humanizePercentage' : rule.unit === 'ms' ? 'humanizeDuration' : 'humanize';
  return rule.unit === 'count' ? `{{ $value | ${filter} }}` : `{{ if ne $value $value }}nothing counted{{ else }}{{ $value | ${filter} }}{{ end }}`;
};

interface ThresholdTwin {
  alert: string;
  /** Recorded series (name → expression), in evaluation order. */
  records: [string, string][];
  /** The recorded statistic judged against the thresholds. */
  value: string;
  /** The recorded sample size compared with `minSample`, and what it counts; none when the rule has no minimum. */
  sample?: { series: string; noun: string };
}

const sumIncrease = (selector: string, window: string, offset = '') => `sum(increase(${selector}[${window}]${offset ? ` offset ${offset}` : ''}))`;
const count = (expr: string) => `${expr} or vector(0)`;

const SYNCS = 'opal_force_sync_duration_seconds_count';
const ACCEPTED_EVENTS = 'opal_webhook_deliveries_total{outcome="accepted"}';

/** Each threshold rule's Prometheus twin: what it records and judges. A rule added to AlertRules without one does not compile. */
const THRESHOLD_TWINS: { [K in ThresholdRuleName]: (r: AlertRules[K]) => ThresholdTwin } = {
  force_sync_success_rate: (r) => {
    const w = promDuration(r.windowMs);
    const finished = `opal:force_sync_finished:increase${w}`;
    return {
      alert: 'OpalForceSyncSuccessRateLow',
      records: [
        [finished, count(sumIncrease(SYNCS, w))],
        [`opal:force_sync_success:ratio${w}`, `${sumIncrease(`${SYNCS}{status="triggered"}`, w)}\n/\n${sumIncrease(SYNCS, w)}`],
      ],
      value: `opal:force_sync_success:ratio${w}`,
      sample: { series: finished, noun: 'finished syncs' },
    };
  },
  webhook_silence: (r) => {
    const w = promDuration(r.windowMs);
    const awaitedWindow = promDuration(r.windowMs - r.graceMs);
    return {
      alert: 'OpalNoWebhookEvents',
      records: [
        [`opal:webhook_events_accepted:increase${w}`, count(sumIncrease(ACCEPTED_EVENTS, w))],
        // The built-in's "active": running workflows, those timed out in the window, and syncs Opal accepted that are past the grace period.
        [
          `opal:workflows_awaiting_callbacks:count${w}`,
          [
            'max(opal_active_workflows)',
            `+ (${count(sumIncrease('opal_workflows_timed_out_total', w))})`,
            `+ (${count(sumIncrease(`${SYNCS}{status="triggered"}`, awaitedWindow, promDuration(r.graceMs)))})`,
          ].join('\n'),
        ],
      ],
      value: `opal:webhook_events_accepted:increase${w}`,
      sample: { series: `opal:workflows_awaiting_callbacks:count${w}`, noun: 'active workflows (running, timed out in the window, or syncs awaiting callbacks)' },
    };
  },
  auth_failures: (r) => {
    const w = promDuration(r.windowMs);
    return { alert: 'OpalAuthenticationFailures', records: [[`opal:auth_failures:increase${w}`, count(sumIncrease('opal_auth_failures_total', w))]], value: `opal:auth_failures:increase${w}` };
  },
  force_sync_response_time: (r) => {
    const w = promDuration(r.windowMs);
    const p = `p${Math.round(r.percentile * 100)}`;
    return {
      alert: 'OpalForceSyncResponseTimeHigh',
      records: [
        [`opal:force_sync_finished:increase${w}`, count(sumIncrease(SYNCS, w))],
        [`opal:force_sync_duration_seconds:${p}_${w}`, `histogram_quantile(${r.percentile}, sum by (le) (rate(opal_force_sync_duration_seconds_bucket[${w}])))`],
      ],
      value: `opal:force_sync_duration_seconds:${p}_${w}`,
      sample: { series: `opal:force_sync_finished:increase${w}`, noun: 'finished syncs' },
    };
  },
  event_backlog: () => ({ alert: 'OpalEventBacklog', records: [['opal:webhook_pending_events:max', 'max(opal_webhook_pending_events)']], value: 'opal:webhook_pending_events:max' }),
  signature_failure_rate: (r) => {
    const w = promDuration(r.windowMs);
    const refused = `opal:webhook_signature_refusals:increase${w}`;
    const judged = `opal:webhook_signature_judged:increase${w}`;
    return {
      alert: 'OpalSignatureFailureRateHigh',
      records: [
        [refused, count(sumIncrease(`opal_webhook_refusals_total{reason=~"${SIGNATURE_REJECTION_REASONS.join('|')}"}`, w))],
        [judged, `${refused} + (${count(sumIncrease(ACCEPTED_EVENTS, w))})`],
        [`opal:webhook_signature_failure:ratio${w}`, `${refused} / ${judged}`],
      ],
      value: `opal:webhook_signature_failure:ratio${w}`,
      sample: { series: judged, noun: 'deliveries' },
    };
  },
  workflow_timed_out: (r) => {
    const w = promDuration(r.windowMs);
    return {
      alert: 'OpalWorkflowsTimedOut',
      records: [[`opal:workflows_timed_out:increase${w}`, count(sumIncrease('opal_workflows_timed_out_total', w))]],
      value: `opal:workflows_timed_out:increase${w}`,
    };
  },
};

const firing = (alert: string, on = 'on()') => `${on} ALERTS{alertname="${alert}", alertstate="firing"}`;

/** The built-in judgement (judgeThreshold and the hold without data) as one expression. */
function thresholdExpr(rule: ThresholdRule, t: ThresholdTwin): string {
  const op = rule.bad === 'above' ? '>' : '<';
  let judged = `${t.value} ${op} ${scaled(rule, rule.fireAt)}`;
  if (rule.resolveAt !== rule.fireAt) judged += `\nor\n${t.value} ${op} ${scaled(rule, rule.resolveAt)} and ${firing(t.alert)}`;
  if (!t.sample || rule.minSample === 0) return judged;
  const sample = t.sample.series;
  judged = judged.includes('\n') ? `(\n${indent(judged)}\n)\nand on() ${sample} >= ${rule.minSample}` : `${judged}\nand on() ${sample} >= ${rule.minSample}`;
  if (rule.resolveWithoutDataAfterMs === 0) return judged;
  const held = [`${t.value} and on() ${sample} < ${rule.minSample}`, `and ${firing(t.alert)}`];
  if (Number.isFinite(rule.resolveWithoutDataAfterMs)) held.push(`and on() max_over_time(${sample}[${promDuration(rule.resolveWithoutDataAfterMs)}]) >= ${rule.minSample}`);
  return `(\n${indent(judged)}\n)\nor\n(\n${indent(held.join('\n'))}\n)`;
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

function thresholdDescription(rule: ThresholdRule, t: ThresholdTwin): string {
  const over = rule.windowMs > 0 ? ` over ${promDuration(rule.windowMs)}` : '';
  const parts = [`${rule.statistic[0]!.toUpperCase()}${rule.statistic.slice(1)}: ${valueTemplate(rule)}${over}.`, `Fires ${rule.bad} ${shown(rule, rule.fireAt)}, resolves at ${shown(rule, rule.resolveAt)}.`];
  if (t.sample && rule.minSample > 0) {
    parts.push(rule.minSample === 1 ? `Not judged without ${t.sample.noun}.` : `Not judged with fewer than ${rule.minSample} ${t.sample.noun}.`);
  }
  if (t.sample && rule.minSample > 0 && rule.resolveWithoutDataAfterMs > 0) parts.push(`A firing alert is held without enough data for up to ${promDuration(rule.resolveWithoutDataAfterMs)}.`);
  return parts.join(' ');
}

/** Every rule, in evaluation order: a group evaluates its rules one after the other, so each alert sees this round's records. */
export function prometheusRules(rules: AlertRules = DEFAULT_ALERT_RULES): PrometheusRule[] {
  const records = new Map<string, string>();
  const alerts: AlertingRule[] = [];
  const db = rules.database_connection;
  const dbAlert = 'OpalDatabaseConnectionFailures';
  alerts.push({
    alert: dbAlert,
    // Per process, as the built-in judges it: each process probes the database on its own timer.
    expr: [
      `opal_database_probe_consecutive_failures >= ${db.failuresToFire}`,
      'or',
      `opal_database_probe_consecutive_successes < ${db.successesToResolve} and ${firing(dbAlert, 'on(instance, job)')}`,
    ].join('\n'),
    labels: { severity: db.severity, rule: 'database_connection' },
    annotations: {
      summary: db.title,
      description:
        `{{ $labels.instance }} cannot reach the database: fires after ${db.failuresToFire} consecutive failed probes (one every ${promDuration(db.probeEveryMs)}, ` +
        `so well before the built-in's ${promDuration(db.failingForMs)} clause), resolves after ${db.successesToResolve} successful ones.`,
    },
  });
  for (const name of Object.keys(THRESHOLD_TWINS) as ThresholdRuleName[]) {
    const rule = rules[name];
    const twin = (THRESHOLD_TWINS[name] as (r: ThresholdRule) => ThresholdTwin)(rule);
    for (const [record, expr] of twin.records) {
      if (records.has(record) && records.get(record) !== expr) throw new Error(`Two definitions of ${record}`);
      records.set(record, expr);
    }
    alerts.push({
      alert: twin.alert,
      expr: thresholdExpr(rule, twin),
      labels: { severity: rule.severity, rule: name },
      annotations: { summary: rule.title, description: thresholdDescription(rule, twin) },
    });
  }
  return [...[...records].map(([record, expr]) => ({ record, expr })), ...alerts];
}

const q = (s: string) => JSON.stringify(s);

function yamlExpr(expr: string, pad: string): string {
  if (!expr.includes('\n')) return `${pad}expr: ${expr}`;
  return `${pad}expr: |-\n${expr
    .split('\n')
    .map((l) => `${pad}  ${l}`)
    .join('\n')}`;
}

/** The rules file, in Prometheus' format (YAML; quoted strings are JSON's, which YAML reads alike). */
export function prometheusRulesYaml(rules: AlertRules = DEFAULT_ALERT_RULES): string {
  const pad = '      ';
  const lines = [
    '# Prometheus alerting rules mirroring the built-in alert rules of OPAL Force Sync.',
    '# Generated from server/domain/alerts/alert-rules.ts by `npm run generate:prometheus-rules`:',
    '# change the thresholds there and regenerate. Tested by alerts.test.yml (promtool test rules).',
    'groups:',
    `  - name: ${GROUP_NAME}`,
    '    rules:',
  ];
  for (const r of prometheusRules(rules)) {
    if ('record' in r) {
      lines.push(`    - record: ${r.record}`, yamlExpr(r.expr, pad));
      continue;
    }
    lines.push(
      `    - alert: ${r.alert}`,
      yamlExpr(r.expr, pad),
      `${pad}labels:`,
      `${pad}  severity: ${r.labels.severity}`,
      `${pad}  rule: ${r.labels.rule}`,
      `${pad}annotations:`,
      `${pad}  summary: ${q(r.annotations.summary)}`,
      `${pad}  description: ${q(r.annotations.description)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
