import CircuitBreaker from 'opossum';
import { isDomainError } from '../../errors';
import { attemptFailureError, circuitOpenError, type AttemptFailure } from './opal-errors';
import { headerValue, opalErrorText, parseRetryAfter, parseTriggerAnswer, type TriggerAnswer } from './opal-response';
import { OpalConnectError, errorCode, type OpalTransport } from './opal-transport';
import { decideRetry, type RetryPolicy } from './retry-policy';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface TriggerWorkflowInput {
  correlationId: string;
  inputData: Record<string, unknown>;
  callbackUrl: string;
  triggerTimestamp: Date;
  extraMetadata?: Record<string, unknown>;
}

export interface TriggerWorkflowResult {
  workflowId: string;
  sessionId: string | null;
  opalStatus: number;
  attempts: number;
  /** Total wall time, retries included. */
  latencyMs: number;
}

export interface OpalClientStats {
  state: CircuitState;
  /** Counts over the circuit's rolling window (`rollingCountTimeoutMs`). Opal refusals (4xx) count as successes: Opal answered. */
  failures: number;
  successes: number;
  /** Calls answered at once because the circuit was open. */
  rejects: number;
  openedAt: string | null;
}

export interface OpalClient {
  triggerWorkflow(input: TriggerWorkflowInput): Promise<TriggerWorkflowResult>;
  circuitState(): CircuitState;
  stats(): OpalClientStats;
  shutdown(): void;
}

export interface OpalLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface OpalClientOptions {
  url: string;
  authKey: string;
  timeoutMs: number;
  transport: OpalTransport;
  totalDeadlineMs?: number;
  maxAttempts?: number;
  baseBackoffMs?: number;
  circuit?: {
    volumeThreshold?: number;
    errorThresholdPercentage?: number;
    resetTimeoutMs?: number;
    rollingCountTimeoutMs?: number;
  };
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: OpalLogger;
  /** W3C trace headers for each attempt (`traceparent`, `tracestate`): the caller's trace, a new span per attempt. */
  traceHeaders?: () => Record<string, string>;
}

export const WORKFLOW_NAME = 'strategy_workflow';
export const SOURCE_SYSTEM = 'opal-force-sync';
const MAX_BACKOFF_MS = 5000;
const SHUTDOWN_RETRY_AFTER_SECONDS = 5;
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

const noopLogger: OpalLogger = { warn: () => {}, info: () => {} };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const opalUrlSecretPart = (url: string): string => {
  try {
    const u = new URL(url);
    return u.pathname === '/' && u.search === '' ? '' : `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
};

type AttemptResult = { ok: true; answer: TriggerAnswer; status: number } | { ok: false; failure: AttemptFailure };

/** Resolves or rejects with `work`, or rejects when `signal` aborts first (a transport that ignores the signal cannot hang us). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function classify(status: number, headers: Record<string, string>, bodyText: string, secrets: readonly string[]): AttemptResult {
  if (status >= 200 && status < 300) {
    const answer = parseTriggerAnswer(bodyText);
    return answer ? { ok: true, answer, status } : { ok: false, failure: { outcome: 'bad_response', opalStatus: status } };
  }
  const opalMessage = opalErrorText(bodyText, secrets);
  const base = { opalStatus: status, ...(opalMessage !== undefined ? { opalMessage } : {}) };
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'), Date.now());
    const outcome = status === 429 ? 'rate_limited' : 'unavailable';
    return { ok: false, failure: { outcome, ...base, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } };
  }
  if (status >= 500 && status < 600) return { ok: false, failure: { outcome: 'server_error', ...base } };
  if (status >= 300 && status < 500) return { ok: false, failure: { outcome: 'refused', ...base } };
  return { ok: false, failure: { outcome: 'bad_response', ...base } };
}

/**
 * The client that starts Opal's `strategy_workflow`. One `triggerWorkflow`
 * call (its retries included) is one circuit-breaker call; Opal refusing
 * (3xx/4xx other than 429) does not count toward opening the circuit.
 */
export function createOpalClient(o: OpalClientOptions): OpalClient {
  if (!o.url) throw new TypeError('createOpalClient: url is required');
  if (!o.authKey) throw new TypeError('createOpalClient: authKey is required');
  const policy: RetryPolicy = {
    maxAttempts: Math.max(1, o.maxAttempts ?? 3),
    totalDeadlineMs: o.totalDeadlineMs ?? 15_000,
    timeoutMs: o.timeoutMs,
    baseBackoffMs: o.baseBackoffMs ?? 250,
    maxBackoffMs: MAX_BACKOFF_MS,
  };
  const resetTimeoutMs = o.circuit?.resetTimeoutMs ?? 30_000;
  const sleep = o.sleep ?? realSleep;
  const random = o.random ?? Math.random;
  const log = o.logger ?? noopLogger;
  const opalHost = (() => {
    try {
      return new URL(o.url).host;
    } catch {
      return 'invalid-url';
    }
  })();

  // What an error body must never echo: the key, and the webhook URL's path (Opal's webhook URL carries its credential there).
  const secrets = [o.authKey, opalUrlSecretPart(o.url)];

  let openedAtMs: number | null = null;
  let probeEndsAtMs: number | null = null;

  async function attemptOnce(input: TriggerWorkflowInput, body: string, timeoutMs: number): Promise<AttemptResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const req = {
        url: o.url,
        headers: {
          authorization: `Bearer ${o.authKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'x-correlation-id': input.correlationId,
          ...o.traceHeaders?.(),
        },
        body,
        signal: controller.signal,
      };
      const res = await untilAborted(Promise.resolve().then(() => o.transport(req)), controller.signal);
      return classify(res.status, res.headers, res.bodyText, secrets);
    } catch (e) {
      if (e instanceof OpalConnectError) return { ok: false, failure: { outcome: 'connect_failed', causeCode: e.code ?? 'connect_failed' } };
      if (controller.signal.aborted) return { ok: false, failure: { outcome: 'timeout_after_send', timeoutMs } };
      return { ok: false, failure: { outcome: 'bad_response', causeCode: errorCode(e) ?? 'connection_lost' } };
    } finally {
      clearTimeout(timer);
    }
  }

  async function run(input: TriggerWorkflowInput): Promise<TriggerWorkflowResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    if (breaker.halfOpen) probeEndsAtMs = Date.now() + policy.totalDeadlineMs;
    const body = JSON.stringify({
      workflow_name: WORKFLOW_NAME,
      input_data: { ...input.inputData, force_sync: true },
      metadata: {
        source_system: SOURCE_SYSTEM,
        ...input.extraMetadata,
        correlation_id: input.correlationId,
        trigger_timestamp: input.triggerTimestamp.toISOString(),
        callback_url: input.callbackUrl,
      },
    });
    // The correlation and trace ids come from the request's log context (server/logger.ts's mixin).
    const ctx = { opal_host: opalHost };
    for (let attempt = 1; ; attempt++) {
      const timeoutMs = Math.max(1, Math.min(policy.timeoutMs, Math.floor(policy.totalDeadlineMs - elapsed())));
      const r = await attemptOnce(input, body, timeoutMs);
      if (r.ok) {
        const latencyMs = Math.round(elapsed());
        log.info({ ...ctx, attempt, opal_status: r.status, workflow_id: r.answer.workflowId, latency_ms: latencyMs }, 'Opal started the workflow');
        return { workflowId: r.answer.workflowId, sessionId: r.answer.sessionId, opalStatus: r.status, attempts: attempt, latencyMs };
      }
      const f = r.failure;
      const d = decideRetry(policy, { outcome: f.outcome, attempt, elapsedMs: elapsed(), retryAfterMs: f.retryAfterMs }, random);
      const logged = { ...ctx, attempt, opal_outcome: f.outcome, opal_status: f.opalStatus, cause_code: f.causeCode, elapsed_ms: Math.round(elapsed()) };
      if (d.retry) {
        log.warn({ ...logged, retry_in_ms: d.delayMs }, 'Opal trigger attempt failed; retrying');
        await sleep(d.delayMs);
        continue;
      }
      const err = attemptFailureError(f, attempt, d.reason);
      log.warn({ ...logged, stopped_because: d.reason, may_have_started: err.details?.may_have_started }, `Opal trigger failed: ${err.message}`);
      throw err;
    }
  }

  const breaker = new CircuitBreaker(run, {
    name: 'opal-trigger',
    timeout: false, // the client's own per-attempt time-outs and total deadline bound each call
    resetTimeout: resetTimeoutMs,
    errorThresholdPercentage: o.circuit?.errorThresholdPercentage ?? 50,
    volumeThreshold: o.circuit?.volumeThreshold ?? 5,
    rollingCountTimeout: o.circuit?.rollingCountTimeoutMs ?? 60_000,
    rollingCountBuckets: 10,
    // Opal refusing (bad key, bad URL, bad request) is not an outage: it must not open the circuit.
    errorFilter: (e: unknown) => isDomainError(e) && e.details?.opal_outcome === 'refused',
  });
  breaker.on('open', () => {
    openedAtMs = Date.now();
    probeEndsAtMs = null;
    log.warn({ opal_host: opalHost, reset_timeout_ms: resetTimeoutMs }, 'Opal circuit opened: calls are refused until a probe succeeds');
  });
  breaker.on('halfOpen', () => log.info({ opal_host: opalHost }, 'Opal circuit half-open: the next call is a probe'));
  breaker.on('close', () => {
    openedAtMs = null;
    probeEndsAtMs = null;
    log.info({ opal_host: opalHost }, 'Opal circuit closed');
  });

  /** Seconds until a call may be tried again: the half-open time, or the end of a probe in flight. */
  const retryAfterSeconds = (): number => {
    const now = Date.now();
    const until = breaker.opened && openedAtMs !== null ? openedAtMs + resetTimeoutMs : (probeEndsAtMs ?? now);
    return Math.max(1, Math.ceil((until - now) / 1000));
  };

  const circuitState = (): CircuitState => (breaker.closed ? 'closed' : breaker.halfOpen ? 'half_open' : 'open');

  return {
    async triggerWorkflow(input) {
      if (!CORRELATION_ID.test(input.correlationId)) {
        throw new TypeError('triggerWorkflow: correlationId must be 1–128 printable ASCII characters');
      }
      try {
        return await breaker.fire(input);
      } catch (e) {
        if (isDomainError(e)) throw e;
        const code = (e as { code?: unknown } | null)?.code;
        if (code === 'EOPENBREAKER') throw circuitOpenError(retryAfterSeconds());
        if (code === 'ESHUTDOWN') throw circuitOpenError(SHUTDOWN_RETRY_AFTER_SECONDS, true);
        throw e;
      }
    },
    circuitState,
    stats() {
      const s = breaker.stats;
      return {
        state: circuitState(),
        failures: s.failures,
        successes: s.successes,
        rejects: s.rejects,
        openedAt: openedAtMs === null ? null : new Date(openedAtMs).toISOString(),
      };
    },
    shutdown() {
      breaker.shutdown();
    },
  };
}
