import type { AlertRuleName, AlertSeverity } from '../../contracts/alerts';

const MIN = 60_000;

/**
 * A rule judged on one statistic against a pair of thresholds. `bad` says
 * which side is unhealthy; the resolve threshold sits on the healthy side of
 * the fire threshold, so a value between the two keeps the current state
 * (hysteresis) and an alert cannot flap on every evaluation.
 */
export interface ThresholdRule {
  severity: AlertSeverity;
  title: string;
  /** What is measured, in words (shown in messages and the README). */
  statistic: string;
  unit: 'percent' | 'ms' | 'count';
  /** The look-back window; 0 for an instantaneous figure. */
  windowMs: number;
  /** Fewer observations than this in the window: `insufficient_data`, never a firing. */
  minSample: number;
  bad: 'above' | 'below';
  /** `above`: fires when value > fireAt. `below`: fires when value < fireAt. */
  fireAt: number;
  /** `above`: resolves when value <= resolveAt. `below`: resolves when value >= resolveAt. */
  resolveAt: number;
  /**
   * A firing alert whose data falls under the minimum sample is held (no
   * evidence of recovery) until it has had no usable data for this long,
   * then resolved. 0 resolves at once; Infinity holds until data proves it.
   */
  resolveWithoutDataAfterMs: number;
}

/** Judged in memory by every process on its own timer: the database cannot coordinate while it is down. */
export interface DatabaseConnectionRule {
  severity: AlertSeverity;
  title: string;
  probeEveryMs: number;
  /** A ping slower than this counts as a failure. */
  probeTimeoutMs: number;
  /** Fires after this many consecutive failed probes... */
  failuresToFire: number;
  /** ...or when failures have lasted this long without a success in between. */
  failingForMs: number;
  /** Resolves after this many consecutive successful probes. */
  successesToResolve: number;
}

export interface AlertRules {
  force_sync_success_rate: ThresholdRule;
  /** `minSample` counts active workflows: silence is only alarming while callbacks are expected. */
  webhook_silence: ThresholdRule & {
    /** A sync triggered less than this long ago is not yet expected to have called back. */
    graceMs: number;
  };
  database_connection: DatabaseConnectionRule;
  auth_failures: ThresholdRule;
  force_sync_response_time: ThresholdRule & { percentile: number };
  event_backlog: ThresholdRule;
  signature_failure_rate: ThresholdRule;
  workflow_timed_out: ThresholdRule;
}

export type ThresholdRuleName = Exclude<AlertRuleName, 'database_connection'>;

export const DEFAULT_ALERT_RULES: AlertRules = {
  force_sync_success_rate: {
    severity: 'critical',
    title: 'Force sync success rate',
    statistic: 'force sync and trigger calls answered successfully, of those finished in the window (sync_requests)',
    unit: 'percent',
    windowMs: 15 * MIN,
    minSample: 10,
    bad: 'below',
    fireAt: 90,
    resolveAt: 92,
    resolveWithoutDataAfterMs: 60 * MIN,
  },
  webhook_silence: {
    severity: 'critical',
    title: 'No webhook events',
    statistic: 'webhook events received in the window, while workflows are active',
    unit: 'count',
    windowMs: 60 * MIN,
    minSample: 1,
    bad: 'below',
    fireAt: 1,
    resolveAt: 1,
    // Nothing active any more: the condition the rule describes no longer holds.
    resolveWithoutDataAfterMs: 0,
    graceMs: 5 * MIN,
  },
  database_connection: {
    severity: 'critical',
    title: 'Database connection failures',
    probeEveryMs: 5_000,
    probeTimeoutMs: 3_000,
    failuresToFire: 2,
    failingForMs: 30_000,
    successesToResolve: 2,
  },
  auth_failures: {
    severity: 'critical',
    title: 'Authentication failures',
    statistic: 'failed authentications in the window (audit_log auth.failed; an aggregate row counts as details.count)',
    unit: 'count',
    windowMs: 10 * MIN,
    minSample: 0,
    bad: 'above',
    fireAt: 5,
    resolveAt: 2,
    resolveWithoutDataAfterMs: 0,
  },
  force_sync_response_time: {
    severity: 'warning',
    title: 'Force sync response time',
    statistic: 'P95 of the force sync answer time over calls finished in the window (sync_requests.duration_ms)',
    unit: 'ms',
    windowMs: 15 * MIN,
    minSample: 5,
    bad: 'above',
    fireAt: 5_000,
    resolveAt: 4_000,
    resolveWithoutDataAfterMs: 60 * MIN,
    percentile: 0.95,
  },
  event_backlog: {
    severity: 'warning',
    title: 'Unprocessed event backlog',
    statistic: 'stored webhook events not yet processed (processing_status pending)',
    unit: 'count',
    windowMs: 0,
    minSample: 0,
    bad: 'above',
    fireAt: 100,
    resolveAt: 50,
    resolveWithoutDataAfterMs: 0,
  },
  signature_failure_rate: {
    severity: 'warning',
    title: 'Signature verification failures',
    statistic: 'deliveries refused for their signature or timestamp, of those plus accepted events, in the window',
    unit: 'percent',
    windowMs: 15 * MIN,
    minSample: 20,
    bad: 'above',
    fireAt: 10,
    resolveAt: 8,
    resolveWithoutDataAfterMs: 60 * MIN,
  },
  workflow_timed_out: {
    severity: 'warning',
    title: 'Workflows timed out',
    statistic: 'workflows that became timed_out in the window (no callback for OPAL_WORKFLOW_TIMEOUT_MIN)',
    unit: 'count',
    windowMs: 60 * MIN,
    minSample: 0,
    bad: 'above',
    fireAt: 0,
    resolveAt: 0,
    resolveWithoutDataAfterMs: 0,
  },
};

/** Per-rule overrides (tests, or a caller tuning thresholds); not read from the environment. */
export type AlertRuleOverrides = { [K in keyof AlertRules]?: Partial<AlertRules[K]> };

/** The defaults with `overrides` applied, checked so that a bad table fails at start-up, not at 3 a.m. */
export function resolveAlertRules(overrides: AlertRuleOverrides = {}): AlertRules {
  const rules = { ...DEFAULT_ALERT_RULES } as Record<keyof AlertRules, unknown>;
  for (const [name, o] of Object.entries(overrides) as [keyof AlertRules, object | undefined][]) {
    if (!(name in DEFAULT_ALERT_RULES)) throw new Error(`Unknown alert rule "${name}".`);
    rules[name] = { ...DEFAULT_ALERT_RULES[name], ...o };
  }
  const resolved = rules as AlertRules;
  for (const name of THRESHOLD_RULE_NAMES) checkThresholdRule(name, resolved[name]);
  const p95 = resolved.force_sync_response_time.percentile;
  if (!(p95 > 0 && p95 < 1)) throw new Error('Alert rule force_sync_response_time: percentile must be between 0 and 1.');
  if (!(resolved.webhook_silence.graceMs >= 0)) throw new Error('Alert rule webhook_silence: graceMs must not be negative.');
  const db = resolved.database_connection;
  if (!(db.probeEveryMs > 0 && db.probeTimeoutMs > 0 && db.failuresToFire >= 1 && db.successesToResolve >= 1 && db.failingForMs > 0)) {
    throw new Error('Alert rule database_connection: probe interval, time-out and counts must be positive.');
  }
  return resolved;
}

export const THRESHOLD_RULE_NAMES: readonly ThresholdRuleName[] = [
  'force_sync_success_rate',
  'webhook_silence',
  'auth_failures',
  'force_sync_response_time',
  'event_backlog',
  'signature_failure_rate',
  'workflow_timed_out',
];

function checkThresholdRule(name: string, r: ThresholdRule): void {
  const fail = (why: string) => {
    throw new Error(`Alert rule ${name}: ${why}.`);
  };
  if (!(r.windowMs >= 0) || !(r.minSample >= 0)) fail('window and minimum sample must not be negative');
  if (!Number.isFinite(r.fireAt) || !Number.isFinite(r.resolveAt)) fail('thresholds must be numbers');
  if (r.bad === 'above' && r.resolveAt > r.fireAt) fail(`resolveAt (${r.resolveAt}) must not be above fireAt (${r.fireAt})`);
  if (r.bad === 'below' && r.resolveAt < r.fireAt) fail(`resolveAt (${r.resolveAt}) must not be below fireAt (${r.fireAt})`);
  if (!(r.resolveWithoutDataAfterMs >= 0)) fail('resolveWithoutDataAfterMs must not be negative');
}
