import type { AlertRules, DatabaseConnectionRule, ThresholdRule, ThresholdRuleName } from './alert-rules';

/**
 * The rules as pure functions: figures in, a verdict out. `firing` is the
 * alert's current state, which decides the threshold that applies
 * (hysteresis). No clock, no database: everything is in the arguments.
 */
export type RuleState = 'firing' | 'ok' | 'insufficient_data';

export interface RuleJudgement {
  state: RuleState;
  /** The statistic (percent, ms or a count); null when there was nothing to measure. */
  value: number | null;
  /** The firing threshold. */
  threshold: number;
  message: string;
  /** Figures behind the verdict, stored with the alert (never a secret). */
  details: Record<string, unknown>;
}

export interface SyncOutcomeFigures {
  succeeded: number;
  failed: number;
}
export interface SyncLatencyFigures {
  finished: number;
  percentileMs: number | null;
}
export interface WebhookSilenceFigures {
  eventsInWindow: number;
  lastEventAt: Date | null;
  runningWorkflows: number;
  timedOutInWindow: number;
  syncsAwaitingCallbacks: number;
}
export interface AuthFailureFigures {
  failures: number;
}
export interface BacklogFigures {
  pending: number;
  oldestPendingAt: Date | null;
}
export interface SignatureFigures {
  refused: number;
  accepted: number;
  byReason: Record<string, number>;
}
export interface TimedOutFigures {
  count: number;
  /** The most recent few, for the message. */
  workflowIds: string[];
}

export interface AlertFigures {
  force_sync_success_rate: SyncOutcomeFigures;
  webhook_silence: WebhookSilenceFigures;
  auth_failures: AuthFailureFigures;
  force_sync_response_time: SyncLatencyFigures;
  event_backlog: BacklogFigures;
  signature_failure_rate: SignatureFigures;
  workflow_timed_out: TimedOutFigures;
}

/** The hysteresis: which side of which threshold the value is on, given the current state. */
export function judgeThreshold(rule: ThresholdRule, value: number | null, sample: number, firing: boolean): RuleState {
  if (value === null || sample < rule.minSample) return 'insufficient_data';
  const limit = firing ? rule.resolveAt : rule.fireAt;
  const bad = rule.bad === 'above' ? value > limit : value < limit;
  return bad ? 'firing' : 'ok';
}

export function judgeSuccessRate(rule: ThresholdRule, f: SyncOutcomeFigures, firing: boolean): RuleJudgement {
  const finished = f.succeeded + f.failed;
  const value = finished === 0 ? null : round2((f.succeeded / finished) * 100);
  const state = judgeThreshold(rule, value, finished, firing);
  const context = `${f.succeeded} of ${finished} succeeded`;
  return verdict(rule, state, value, finished, context, { succeeded: f.succeeded, failed: f.failed, finished }, 'finished syncs');
}

export function judgeResponseTime(rule: ThresholdRule & { percentile: number }, f: SyncLatencyFigures, firing: boolean): RuleJudgement {
  const value = f.percentileMs === null ? null : Math.round(f.percentileMs);
  const state = judgeThreshold(rule, value, f.finished, firing);
  const p = `P${Math.round(rule.percentile * 100)}`;
  return verdict({ ...rule, title: `${rule.title} (${p})` }, state, value, f.finished, `${f.finished} finished syncs`, { finished: f.finished, percentile: rule.percentile }, 'finished syncs');
}

export function judgeWebhookSilence(rule: AlertRules['webhook_silence'], f: WebhookSilenceFigures, firing: boolean, now: Date): RuleJudgement {
  const active = f.runningWorkflows + f.timedOutInWindow + f.syncsAwaitingCallbacks;
  const state = judgeThreshold(rule, f.eventsInWindow, active, firing);
  const details = {
    events_in_window: f.eventsInWindow,
    last_event_at: f.lastEventAt?.toISOString() ?? null,
    running_workflows: f.runningWorkflows,
    timed_out_in_window: f.timedOutInWindow,
    syncs_awaiting_callbacks: f.syncsAwaitingCallbacks,
  };
  const last = f.lastEventAt ? `the last one ${formatDuration(now.getTime() - f.lastEventAt.getTime())} ago` : 'none ever';
  const activity = `${f.runningWorkflows} running, ${f.timedOutInWindow} timed out, ${f.syncsAwaitingCallbacks} syncs awaiting callbacks`;
  const message =
    state === 'insufficient_data'
      ? `No workflow is active (${activity}), so webhook silence is not alarming.`
      : state === 'firing'
        ? `No webhook event received in the last ${formatDuration(rule.windowMs)} while workflows are active (${activity}); ${last}.`
        : `${f.eventsInWindow} webhook events received in the last ${formatDuration(rule.windowMs)} (${activity}).`;
  return { state, value: f.eventsInWindow, threshold: rule.fireAt, message, details: { ...details, ...thresholdsOf(rule) } };
}

export function judgeAuthFailures(rule: ThresholdRule, f: AuthFailureFigures, firing: boolean): RuleJudgement {
  const state = judgeThreshold(rule, f.failures, f.failures, firing);
  return verdict(rule, state, f.failures, f.failures, 'API keys, sessions and logins', { failures: f.failures }, 'failures');
}

export function judgeEventBacklog(rule: ThresholdRule, f: BacklogFigures, firing: boolean, now: Date): RuleJudgement {
  const state = judgeThreshold(rule, f.pending, f.pending, firing);
  const oldest = f.oldestPendingAt ? `oldest waiting ${formatDuration(now.getTime() - f.oldestPendingAt.getTime())}` : 'none waiting';
  return verdict(rule, state, f.pending, f.pending, oldest, { pending: f.pending, oldest_pending_at: f.oldestPendingAt?.toISOString() ?? null }, 'events');
}

export function judgeSignatureFailureRate(rule: ThresholdRule, f: SignatureFigures, firing: boolean): RuleJudgement {
  const deliveries = f.refused + f.accepted;
  const value = deliveries === 0 ? null : round2((f.refused / deliveries) * 100);
  const state = judgeThreshold(rule, value, deliveries, firing);
  const context = `${f.refused} of ${deliveries} deliveries refused`;
  return verdict(rule, state, value, deliveries, context, { refused: f.refused, accepted: f.accepted, by_reason: f.byReason }, 'deliveries');
}

export function judgeWorkflowTimedOut(rule: ThresholdRule, f: TimedOutFigures, firing: boolean): RuleJudgement {
  const state = judgeThreshold(rule, f.count, f.count, firing);
  const ids = f.workflowIds.length ? `: ${f.workflowIds.join(', ')}${f.count > f.workflowIds.length ? ', …' : ''}` : '';
  const message =
    state === 'firing'
      ? `${f.count} workflow${f.count === 1 ? '' : 's'} timed out in the last ${formatDuration(rule.windowMs)} (no callback within the time-out)${ids}.`
      : `No workflow timed out in the last ${formatDuration(rule.windowMs)}${f.count ? ` beyond the resolve threshold (${f.count}${ids})` : ''}.`;
  return { state, value: f.count, threshold: rule.fireAt, message, details: { timed_out: f.count, workflow_ids: f.workflowIds, ...thresholdsOf(rule) } };
}

export interface DatabaseProbeFigures {
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  /** How long the current run of failures has lasted (0 when the last probe succeeded). */
  failingForMs: number;
}

/** Fires after N consecutive failures or failures lasting long enough; resolves after M consecutive successes. */
export function judgeDatabaseConnection(rule: DatabaseConnectionRule, f: DatabaseProbeFigures, firing: boolean): RuleJudgement {
  let state: RuleState;
  if (f.consecutiveFailures === 0 && f.consecutiveSuccesses === 0) state = 'insufficient_data';
  else if (firing) state = f.consecutiveSuccesses >= rule.successesToResolve ? 'ok' : 'firing';
  else state = f.consecutiveFailures >= rule.failuresToFire || (f.consecutiveFailures > 0 && f.failingForMs >= rule.failingForMs) ? 'firing' : 'ok';
  const message =
    state === 'firing'
      ? `The database could not be reached: ${f.consecutiveFailures} consecutive failed probes over ${formatDuration(f.failingForMs)}.`
      : state === 'ok'
        ? `The database answers again (${f.consecutiveSuccesses} consecutive successful probes).`
        : 'The database has not been probed yet.';
  return {
    state,
    value: f.consecutiveFailures,
    threshold: rule.failuresToFire,
    message,
    details: {
      consecutive_failures: f.consecutiveFailures,
      consecutive_successes: f.consecutiveSuccesses,
      failing_for_ms: f.failingForMs,
      fire_after_failures: rule.failuresToFire,
      fire_after_ms: rule.failingForMs,
      resolve_after_successes: rule.successesToResolve,
    },
  };
}

/** Every threshold rule's verdict, from one set of figures. */
export function judgeAlertRules(rules: AlertRules, figures: AlertFigures, firing: ReadonlySet<string>, now: Date): Record<ThresholdRuleName, RuleJudgement> {
  const is = (name: ThresholdRuleName) => firing.has(name);
  return {
    force_sync_success_rate: judgeSuccessRate(rules.force_sync_success_rate, figures.force_sync_success_rate, is('force_sync_success_rate')),
    webhook_silence: judgeWebhookSilence(rules.webhook_silence, figures.webhook_silence, is('webhook_silence'), now),
    auth_failures: judgeAuthFailures(rules.auth_failures, figures.auth_failures, is('auth_failures')),
    force_sync_response_time: judgeResponseTime(rules.force_sync_response_time, figures.force_sync_response_time, is('force_sync_response_time')),
    event_backlog: judgeEventBacklog(rules.event_backlog, figures.event_backlog, is('event_backlog'), now),
    signature_failure_rate: judgeSignatureFailureRate(rules.signature_failure_rate, figures.signature_failure_rate, is('signature_failure_rate')),
    workflow_timed_out: judgeWorkflowTimedOut(rules.workflow_timed_out, figures.workflow_timed_out, is('workflow_timed_out')),
  };
}

function verdict(
  rule: ThresholdRule,
  state: RuleState,
  value: number | null,
  sample: number,
  context: string,
  figures: Record<string, unknown>,
  sampleNoun: string,
): RuleJudgement {
  const over = rule.windowMs > 0 ? ` over ${formatDuration(rule.windowMs)}` : '';
  let message: string;
  if (state === 'insufficient_data') {
    message = `${rule.title} not judged: ${sample} ${sampleNoun}${over}, fewer than the minimum of ${rule.minSample}.`;
  } else {
    const shown = value === null ? 'n/a' : formatValue(rule.unit, value);
    const verdictText =
      state === 'firing'
        ? `; fires ${rule.bad} ${formatValue(rule.unit, rule.fireAt)}, resolves at ${formatValue(rule.unit, rule.resolveAt)}`
        : '';
    message = `${rule.title} ${shown}${over} (${context})${verdictText}.`;
  }
  return { state, value, threshold: rule.fireAt, message, details: { ...figures, ...thresholdsOf(rule) } };
}

function thresholdsOf(rule: ThresholdRule): Record<string, unknown> {
  return {
    unit: rule.unit,
    window_ms: rule.windowMs,
    min_sample: rule.minSample,
    fires: rule.bad,
    fire_threshold: rule.fireAt,
    resolve_threshold: rule.resolveAt,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function formatValue(unit: ThresholdRule['unit'], v: number): string {
  if (unit === 'percent') return `${v.toFixed(1)}%`;
  if (unit === 'ms') return v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
  return String(v);
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (ms < 2 * 3_600_000 && ms % 3_600_000 !== 0) return `${Math.round(ms / 60_000)} min`;
  if (ms < 48 * 3_600_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}
