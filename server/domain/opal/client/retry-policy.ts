/**
 * When to try starting a workflow again. Starting one is not idempotent, so
 * only outcomes where Opal cannot have started it are retried: the
 * connection failed before the request was sent, or Opal answered 429 or 503.
 */

/** What one attempt ended with (besides success). */
export type AttemptOutcome =
  | 'connect_failed'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout_after_send'
  | 'server_error'
  | 'refused'
  | 'bad_response';

/** What a failed `triggerWorkflow` reports in `details.opal_outcome`. */
export type OpalOutcome = AttemptOutcome | 'circuit_open';

const RETRYABLE: ReadonlySet<AttemptOutcome> = new Set(['connect_failed', 'rate_limited', 'unavailable']);
const MAY_HAVE_STARTED: ReadonlySet<OpalOutcome> = new Set(['timeout_after_send', 'server_error', 'bad_response']);

export const isRetryable = (o: AttemptOutcome): boolean => RETRYABLE.has(o);

/** True when Opal may have started the workflow: an operator must check Opal before re-running. */
export const mayHaveStarted = (o: OpalOutcome): boolean => MAY_HAVE_STARTED.has(o);

export interface RetryPolicy {
  maxAttempts: number;
  totalDeadlineMs: number;
  /** Each attempt's own time-out: a retry is only started when a whole attempt still fits. */
  timeoutMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export interface AttemptState {
  outcome: AttemptOutcome;
  /** The attempt that just ended, from 1. */
  attempt: number;
  /** Wall time since the first attempt started. */
  elapsedMs: number;
  /** Opal's `Retry-After`, in ms, when it sent one. */
  retryAfterMs?: number | undefined;
}

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: 'not_retryable' | 'max_attempts' | 'deadline' };

/** Exponential back-off with full jitter: a random wait in [0, min(max, base·2^(attempt-1))). */
export function backoffMs(attempt: number, p: Pick<RetryPolicy, 'baseBackoffMs' | 'maxBackoffMs'>, random: () => number): number {
  const ceiling = Math.min(p.maxBackoffMs, p.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * Retry after `delayMs`, or stop. The wait is the jittered back-off, or
 * Opal's `Retry-After` when that is longer (never shorter than Opal asked).
 * A retry is not started when its wait plus a whole attempt
 * (`timeoutMs`) would pass the total deadline.
 */
export function decideRetry(p: RetryPolicy, s: AttemptState, random: () => number): RetryDecision {
  if (!isRetryable(s.outcome)) return { retry: false, reason: 'not_retryable' };
  if (s.attempt >= p.maxAttempts) return { retry: false, reason: 'max_attempts' };
  const delayMs = Math.max(s.retryAfterMs ?? 0, backoffMs(s.attempt, p, random));
  if (s.elapsedMs + delayMs + p.timeoutMs > p.totalDeadlineMs) return { retry: false, reason: 'deadline' };
  return { retry: true, delayMs };
}
