import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_RULES, resolveAlertRules } from './alert-rules';
import {
  judgeAuthFailures,
  judgeDatabaseConnection,
  judgeEventBacklog,
  judgeResponseTime,
  judgeSignatureFailureRate,
  judgeSuccessRate,
  judgeWebhookSilence,
  judgeWorkflowTimedOut,
} from './judge-alert-rules';

const R = DEFAULT_ALERT_RULES;
const now = new Date('2026-01-01T12:00:00Z');

describe('success rate', () => {
  it('is insufficient data under the minimum sample, however bad (two failed syncs fire nothing)', () => {
    expect(judgeSuccessRate(R.force_sync_success_rate, { succeeded: 0, failed: 2 }, false)).toMatchObject({ state: 'insufficient_data', value: 0 });
    expect(judgeSuccessRate(R.force_sync_success_rate, { succeeded: 0, failed: 0 }, false)).toMatchObject({ state: 'insufficient_data', value: null });
  });

  it('fires below 90%, stays firing between 90% and 92%, resolves at 92%', () => {
    const j = judgeSuccessRate(R.force_sync_success_rate, { succeeded: 8, failed: 2 }, false);
    expect(j).toMatchObject({ state: 'firing', value: 80, threshold: 90 });
    expect(j.message).toBe('Force sync success rate 80.0% over 15 min (8 of 10 succeeded); fires below 90.0%, resolves at 92.0%.');
    // 91%: not enough to fire from ok, not enough to resolve from firing.
    expect(judgeSuccessRate(R.force_sync_success_rate, { succeeded: 91, failed: 9 }, false).state).toBe('ok');
    expect(judgeSuccessRate(R.force_sync_success_rate, { succeeded: 91, failed: 9 }, true).state).toBe('firing');
    expect(judgeSuccessRate(R.force_sync_success_rate, { succeeded: 92, failed: 8 }, true).state).toBe('ok');
    // Exactly 90% does not fire (the rule is "< 90%").
    expect(judgeSuccessRate(R.force_sync_success_rate, { succeeded: 9, failed: 1 }, false).state).toBe('ok');
  });
});

describe('response time', () => {
  it('fires above 5 s at P95, holds down to 4 s, needs five syncs', () => {
    const rule = R.force_sync_response_time;
    expect(judgeResponseTime(rule, { finished: 4, percentileMs: 9000 }, false).state).toBe('insufficient_data');
    const j = judgeResponseTime(rule, { finished: 5, percentileMs: 5200 }, false);
    expect(j).toMatchObject({ state: 'firing', value: 5200, threshold: 5000 });
    expect(j.message).toContain('(P95) 5.2 s over 15 min');
    expect(judgeResponseTime(rule, { finished: 5, percentileMs: 5000 }, false).state).toBe('ok');
    expect(judgeResponseTime(rule, { finished: 5, percentileMs: 4500 }, true).state).toBe('firing');
    expect(judgeResponseTime(rule, { finished: 5, percentileMs: 4000 }, true).state).toBe('ok');
  });
});

describe('webhook silence', () => {
  const quiet = { eventsInWindow: 0, lastEventAt: new Date(now.getTime() - 2 * 3_600_000), runningWorkflows: 0, timedOutInWindow: 0, syncsAwaitingCallbacks: 0 };

  it('is not alarming when nothing is active', () => {
    expect(judgeWebhookSilence(R.webhook_silence, quiet, false, now).state).toBe('insufficient_data');
  });

  it('fires with no event in the hour while a workflow is active, and resolves on the first event', () => {
    const j = judgeWebhookSilence(R.webhook_silence, { ...quiet, runningWorkflows: 2, syncsAwaitingCallbacks: 1 }, false, now);
    expect(j).toMatchObject({ state: 'firing', value: 0, threshold: 1 });
    expect(j.message).toBe(
      'No webhook event received in the last 1 h while workflows are active (2 running, 0 timed out, 1 syncs awaiting callbacks); the last one 2 h ago.',
    );
    expect(judgeWebhookSilence(R.webhook_silence, { ...quiet, eventsInWindow: 1, runningWorkflows: 2 }, true, now).state).toBe('ok');
  });
});

describe('authentication failures', () => {
  it('fires above 5, holds down to 2 (hysteresis), resolves at 2', () => {
    const rule = R.auth_failures;
    expect(judgeAuthFailures(rule, { failures: 5 }, false).state).toBe('ok');
    expect(judgeAuthFailures(rule, { failures: 6 }, false)).toMatchObject({ state: 'firing', value: 6, threshold: 5 });
    expect(judgeAuthFailures(rule, { failures: 3 }, true).state).toBe('firing');
    expect(judgeAuthFailures(rule, { failures: 2 }, true).state).toBe('ok');
  });
});

describe('event backlog', () => {
  it('fires above 100 pending, resolves at 50', () => {
    const rule = R.event_backlog;
    expect(judgeEventBacklog(rule, { pending: 100, oldestPendingAt: null }, false, now).state).toBe('ok');
    const j = judgeEventBacklog(rule, { pending: 101, oldestPendingAt: new Date(now.getTime() - 90_000) }, false, now);
    expect(j.state).toBe('firing');
    expect(j.message).toContain('oldest waiting 2 min');
    expect(judgeEventBacklog(rule, { pending: 51, oldestPendingAt: null }, true, now).state).toBe('firing');
    expect(judgeEventBacklog(rule, { pending: 50, oldestPendingAt: null }, true, now).state).toBe('ok');
  });
});

describe('signature failure rate', () => {
  it('fires above 10% of at least 20 deliveries, resolves at 8%', () => {
    const rule = R.signature_failure_rate;
    expect(judgeSignatureFailureRate(rule, { refused: 10, accepted: 0, byReason: {} }, false).state).toBe('insufficient_data');
    expect(judgeSignatureFailureRate(rule, { refused: 3, accepted: 17, byReason: {} }, false)).toMatchObject({ state: 'firing', value: 15 });
    expect(judgeSignatureFailureRate(rule, { refused: 2, accepted: 18, byReason: {} }, false).state).toBe('ok');
    expect(judgeSignatureFailureRate(rule, { refused: 9, accepted: 91, byReason: {} }, true).state).toBe('firing');
    expect(judgeSignatureFailureRate(rule, { refused: 8, accepted: 92, byReason: {} }, true).state).toBe('ok');
  });
});

describe('timed-out workflows', () => {
  it('fires on one timed-out workflow and names it', () => {
    const j = judgeWorkflowTimedOut(R.workflow_timed_out, { count: 1, workflowIds: ['wf-1'] }, false);
    expect(j).toMatchObject({ state: 'firing', value: 1 });
    expect(j.message).toContain('wf-1');
    expect(judgeWorkflowTimedOut(R.workflow_timed_out, { count: 0, workflowIds: [] }, true).state).toBe('ok');
  });
});

describe('database connection', () => {
  const rule = R.database_connection;
  it('fires after two consecutive failures, or one failure run lasting 30 s; resolves after two successes', () => {
    expect(judgeDatabaseConnection(rule, { consecutiveFailures: 0, consecutiveSuccesses: 0, failingForMs: 0 }, false).state).toBe('insufficient_data');
    expect(judgeDatabaseConnection(rule, { consecutiveFailures: 1, consecutiveSuccesses: 0, failingForMs: 0 }, false).state).toBe('ok');
    expect(judgeDatabaseConnection(rule, { consecutiveFailures: 2, consecutiveSuccesses: 0, failingForMs: 5000 }, false).state).toBe('firing');
    expect(judgeDatabaseConnection({ ...rule, failuresToFire: 10 }, { consecutiveFailures: 1, consecutiveSuccesses: 0, failingForMs: 30_000 }, false).state).toBe('firing');
    expect(judgeDatabaseConnection(rule, { consecutiveFailures: 0, consecutiveSuccesses: 1, failingForMs: 0 }, true).state).toBe('firing');
    expect(judgeDatabaseConnection(rule, { consecutiveFailures: 0, consecutiveSuccesses: 2, failingForMs: 0 }, true).state).toBe('ok');
  });
});

describe('the rule table', () => {
  it('takes overrides and refuses a resolve threshold on the wrong side of the fire threshold', () => {
    const rules = resolveAlertRules({ force_sync_success_rate: { minSample: 3, fireAt: 80, resolveAt: 85 } });
    expect(rules.force_sync_success_rate).toMatchObject({ minSample: 3, fireAt: 80, resolveAt: 85, windowMs: 15 * 60_000 });
    expect(rules.auth_failures).toEqual(DEFAULT_ALERT_RULES.auth_failures);
    expect(() => resolveAlertRules({ force_sync_success_rate: { fireAt: 90, resolveAt: 85 } })).toThrow(/resolveAt \(85\) must not be below fireAt/);
    expect(() => resolveAlertRules({ event_backlog: { fireAt: 100, resolveAt: 150 } })).toThrow(/must not be above/);
    expect(() => resolveAlertRules({ force_sync_response_time: { percentile: 95 } })).toThrow(/percentile/);
    expect(() => resolveAlertRules({ nope: {} } as never)).toThrow(/Unknown alert rule/);
  });
});
