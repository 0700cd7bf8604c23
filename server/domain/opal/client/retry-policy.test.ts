import { describe, expect, it } from 'vitest';
import { backoffMs, decideRetry, isRetryable, mayHaveStarted, type RetryPolicy } from './retry-policy';

const policy: RetryPolicy = { maxAttempts: 3, totalDeadlineMs: 15_000, timeoutMs: 10_000, baseBackoffMs: 250, maxBackoffMs: 5000 };
const half = () => 0.5;

describe('retry policy', () => {
  it('retries only outcomes where Opal cannot have started the workflow', () => {
    expect(['connect_failed', 'rate_limited', 'unavailable'].every((o) => isRetryable(o as never))).toBe(true);
    for (const o of ['timeout_after_send', 'server_error', 'refused', 'bad_response'] as const) {
      expect(isRetryable(o)).toBe(false);
      expect(decideRetry(policy, { outcome: o, attempt: 1, elapsedMs: 10 }, half)).toEqual({ retry: false, reason: 'not_retryable' });
    }
  });

  it('marks the outcomes after which the workflow may have started', () => {
    expect(mayHaveStarted('timeout_after_send')).toBe(true);
    expect(mayHaveStarted('server_error')).toBe(true);
    expect(mayHaveStarted('bad_response')).toBe(true);
    for (const o of ['connect_failed', 'rate_limited', 'unavailable', 'refused', 'circuit_open'] as const) expect(mayHaveStarted(o)).toBe(false);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const p = { baseBackoffMs: 250, maxBackoffMs: 5000 };
    expect(backoffMs(1, p, () => 0.999)).toBe(249);
    expect(backoffMs(2, p, () => 0.5)).toBe(250);
    expect(backoffMs(3, p, () => 0.5)).toBe(500);
    expect(backoffMs(1, p, () => 0)).toBe(0);
    expect(backoffMs(20, p, () => 0.5)).toBe(2500);
    expect(backoffMs(2, p, () => 7)).toBe(500); // a bad random() is clamped to [0, 1]
  });

  it('waits the back-off, or Retry-After when that is longer', () => {
    expect(decideRetry(policy, { outcome: 'connect_failed', attempt: 1, elapsedMs: 5 }, half)).toEqual({ retry: true, delayMs: 125 });
    expect(decideRetry(policy, { outcome: 'rate_limited', attempt: 1, elapsedMs: 5, retryAfterMs: 2000 }, half)).toEqual({ retry: true, delayMs: 2000 });
    expect(decideRetry(policy, { outcome: 'unavailable', attempt: 2, elapsedMs: 5, retryAfterMs: 0 }, half)).toEqual({ retry: true, delayMs: 250 });
  });

  it('stops after maxAttempts', () => {
    expect(decideRetry(policy, { outcome: 'unavailable', attempt: 3, elapsedMs: 5 }, half)).toEqual({ retry: false, reason: 'max_attempts' });
  });

  it('does not start a retry whose wait plus a whole attempt would pass the deadline', () => {
    // 100 + 4900 + 10000 = 15000: fits exactly
    expect(decideRetry(policy, { outcome: 'rate_limited', attempt: 1, elapsedMs: 100, retryAfterMs: 4900 }, half)).toEqual({ retry: true, delayMs: 4900 });
    expect(decideRetry(policy, { outcome: 'rate_limited', attempt: 1, elapsedMs: 101, retryAfterMs: 4900 }, half)).toEqual({ retry: false, reason: 'deadline' });
    expect(decideRetry(policy, { outcome: 'connect_failed', attempt: 2, elapsedMs: 4900, retryAfterMs: undefined }, half)).toEqual({ retry: false, reason: 'deadline' });
  });
});
