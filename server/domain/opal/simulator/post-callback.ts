import { signOsa } from '../../webhooks/signature/osa-signature';
import { sleep } from './abortable-sleep';

/**
 * Delivers one callback to the receiver over real HTTP, the way the
 * receiver's contract asks a sender to behave (DESIGN.md "Status codes"):
 *
 * - 2xx: stored. 409: a repeat the receiver already holds, which is just as
 *   good (this is how a retried post whose first answer was lost ends).
 * - 429, 408, 5xx, a connection error or a time-out: try again after
 *   `Retry-After` if the receiver sent one, else exponential back-off; at
 *   most `maxAttempts` tries in all.
 * - Any other answer (4xx, or a 3xx: redirects are not followed, a POST must
 *   not silently turn into a GET): a bug in the simulator or the receiver.
 *   Retrying cannot help, so the caller stops that run.
 *
 * Every attempt is signed afresh: the body bytes never change, but a retry
 * after a long Retry-After must not carry a timestamp near the receiver's
 * 5-minute limit.
 */
export interface DeliveryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  requestTimeoutMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  requestTimeoutMs: 10_000,
};

export type DeliveryResult =
  | { kind: 'delivered'; status: number; attempts: number }
  | { kind: 'duplicate'; attempts: number }
  | { kind: 'refused'; status: number; bodyText: string; attempts: number }
  | { kind: 'gave_up'; attempts: number; lastError: string }
  | { kind: 'cancelled'; attempts: number };

export interface PostCallbackInput {
  url: string;
  secret: string;
  rawBody: string;
  fetchImpl: typeof fetch;
  /** Aborting cancels back-off waits and further attempts, not a post already in flight. */
  signal: AbortSignal;
  policy?: DeliveryPolicy;
  now?: () => number;
  /** Headers added to each attempt (the run's W3C trace context, a new span per attempt). */
  extraHeaders?: () => Record<string, string>;
}

const RETRYABLE = new Set([408, 429]);

export async function postCallback(input: PostCallbackInput): Promise<DeliveryResult> {
  const policy = input.policy ?? DEFAULT_DELIVERY_POLICY;
  const now = input.now ?? Date.now;
  let lastError = '';
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (input.signal.aborted) return { kind: 'cancelled', attempts: attempt - 1 };
    let retryAfterMs: number | undefined;
    // Only a time-out, not the stop signal: stop() waits for posts in flight.
    // Our own timer rather than AbortSignal.timeout(), so it is cleared as
    // soon as the answer is in and no timer outlives the post.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException('callback post timed out', 'TimeoutError')), policy.requestTimeoutMs);
    try {
      const res = await input.fetchImpl(input.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-osa-signature': signOsa({ secret: input.secret, rawBody: input.rawBody, timestampMs: now() }),
          'user-agent': 'opal-force-sync-simulator',
          ...input.extraHeaders?.(),
        },
        body: input.rawBody,
        redirect: 'manual',
        signal: timeout.signal,
      });
      // Read the body either way, so the connection goes back to the pool.
      const bodyText = await res.text().catch(() => '');
      if (res.status >= 200 && res.status < 300) return { kind: 'delivered', status: res.status, attempts: attempt };
      if (res.status === 409) return { kind: 'duplicate', attempts: attempt };
      if (!RETRYABLE.has(res.status) && res.status < 500) {
        return { kind: 'refused', status: res.status, bodyText: bodyText.slice(0, 500), attempts: attempt };
      }
      lastError = `HTTP ${res.status}`;
      retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
    } catch (err) {
      lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    } finally {
      clearTimeout(timer);
    }
    if (attempt === policy.maxAttempts) break;
    const backOff = retryAfterMs ?? policy.baseDelayMs * 2 ** (attempt - 1);
    if (!(await sleep(Math.min(backOff, policy.maxDelayMs), input.signal))) {
      return { kind: 'cancelled', attempts: attempt };
    }
  }
  return { kind: 'gave_up', attempts: policy.maxAttempts, lastError };
}

/** `Retry-After` as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names a weekday and month; this keeps "-1" (which
  // Date.parse reads as a year) from passing for one.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
