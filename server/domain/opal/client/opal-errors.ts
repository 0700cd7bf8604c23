import { DomainError } from '../../errors';
import { mayHaveStarted, type AttemptOutcome } from './retry-policy';

/** One failed attempt, as the client classified it. Never holds a header value. */
export interface AttemptFailure {
  outcome: AttemptOutcome;
  opalStatus?: number;
  retryAfterMs?: number;
  /** An error code such as ECONNREFUSED, for connection failures. */
  causeCode?: string;
  /** The time-out the attempt ran with, for `timeout_after_send`. */
  timeoutMs?: number;
  /** A short, masked text from Opal's error body. */
  opalMessage?: string;
}

/** Retry-After for a 503 that came without one. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;
const MAX_RETRY_AFTER_SECONDS = 3600;

const CHECK = 'the workflow may have started — check Opal before re-running';

const retryAfterSeconds = (ms: number | undefined): number =>
  ms === undefined ? DEFAULT_RETRY_AFTER_SECONDS : Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(ms / 1000)));

function refusedMessage(status: number): string {
  if (status === 401 || status === 403) return `Opal refused the request with ${status}: check OPAL_STRATEGY_WORKFLOW_AUTH_KEY.`;
  if (status === 404) return 'Opal refused the request with 404: check OPAL_WEBHOOK_URL.';
  if (status >= 300 && status < 400) return `Opal answered ${status} (a redirect, not followed): check OPAL_WEBHOOK_URL.`;
  return `Opal refused the request with ${status}; the workflow was not started.`;
}

function message(f: AttemptFailure, attempts: number, retryAfter: number): string {
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  switch (f.outcome) {
    case 'connect_failed':
      return `Could not connect to Opal (${f.causeCode ?? 'connection failed'}) after ${tries}; the workflow was not started. Retry in ${retryAfter} s.`;
    case 'rate_limited':
      return `Opal is rate limiting requests (429) after ${tries}; the workflow was not started. Retry in ${retryAfter} s.`;
    case 'unavailable':
      return `Opal is unavailable (503) after ${tries}; the workflow was not started. Retry in ${retryAfter} s.`;
    case 'timeout_after_send':
      return `Opal did not answer within ${f.timeoutMs ?? 0} ms; ${CHECK}.`;
    case 'server_error':
      return `Opal failed with ${f.opalStatus ?? 'an error'}; ${CHECK}.`;
    case 'refused':
      return refusedMessage(f.opalStatus ?? 400);
    case 'bad_response':
      return f.opalStatus === undefined
        ? `The connection to Opal broke after the request was sent (${f.causeCode ?? 'no answer'}); ${CHECK}.`
        : `Opal answered ${f.opalStatus} without a usable workflow id; ${CHECK}.`;
  }
}

/** The DomainError a failed trigger ends with: 503 when Opal certainly did not start it and a retry may help, else 502. */
export function attemptFailureError(f: AttemptFailure, attempts: number, stoppedBecause: string): DomainError {
  const unavailable = f.outcome === 'connect_failed' || f.outcome === 'rate_limited' || f.outcome === 'unavailable';
  const retryAfter = retryAfterSeconds(f.retryAfterMs);
  const details: Record<string, unknown> = {
    opal_outcome: f.outcome,
    attempts,
    may_have_started: mayHaveStarted(f.outcome),
    stopped_because: stoppedBecause,
    ...(f.opalStatus !== undefined ? { opal_status: f.opalStatus } : {}),
    ...(f.causeCode !== undefined ? { cause_code: f.causeCode } : {}),
    ...(f.timeoutMs !== undefined ? { timeout_ms: f.timeoutMs } : {}),
    ...(f.opalMessage !== undefined ? { opal_message: f.opalMessage } : {}),
  };
  const text = message(f, attempts, retryAfter);
  return unavailable
    ? new DomainError('Unavailable', 'Opal Unavailable', text, { details, retryAfterSeconds: retryAfter })
    : new DomainError('Upstream', 'Opal Error', text, { details });
}

/** The circuit is open (or its half-open probe is in flight): answered at once, no call to Opal. */
export function circuitOpenError(retryAfterSeconds: number, shutDown = false): DomainError {
  const text = shutDown
    ? 'The Opal client is shut down; the workflow was not started.'
    : `Opal calls are paused after repeated failures (circuit open); the workflow was not started. Retry in ${retryAfterSeconds} s.`;
  return new DomainError('Unavailable', 'Opal Unavailable', text, {
    retryAfterSeconds,
    details: { opal_outcome: 'circuit_open', attempts: 0, may_have_started: false },
  });
}
