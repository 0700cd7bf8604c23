export interface RetryPolicy {
  tries: number;
  /** Per try. */
  timeoutMs: number;
  /** Before the second try; doubled after each further failure. */
  backoffMs: number;
}

export const DEFAULT_NOTIFY_RETRY: RetryPolicy = { tries: 3, timeoutMs: 5_000, backoffMs: 1_000 };

export interface PostOutcome {
  ok: boolean;
  attempts: number;
  /** The last HTTP status, or null when no answer came. */
  status: number | null;
  /** Why the last try failed, without the URL (which may itself be a secret). */
  error?: string;
}

/**
 * POSTs JSON with a time-out per try and bounded retries: a network error, a
 * time-out, 408, 429 or a 5xx is tried again; any other answer is final.
 */
export async function postJsonWithRetries(url: string, body: unknown, policy: RetryPolicy = DEFAULT_NOTIFY_RETRY): Promise<PostOutcome> {
  const payload = JSON.stringify(body);
  let last: PostOutcome = { ok: false, attempts: 0, status: null };
  for (let attempt = 1; attempt <= policy.tries; attempt++) {
    if (attempt > 1) await sleep(policy.backoffMs * 2 ** (attempt - 2));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(policy.timeoutMs),
        redirect: 'error',
      });
      await res.body?.cancel().catch(() => {});
      if (res.ok) return { ok: true, attempts: attempt, status: res.status };
      last = { ok: false, attempts: attempt, status: res.status, error: `answered ${res.status}` };
      if (!(res.status === 408 || res.status === 429 || res.status >= 500)) return last;
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      last = { ok: false, attempts: attempt, status: null, error: timedOut ? `no answer within ${policy.timeoutMs} ms` : 'could not connect' };
    }
  }
  return last;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
