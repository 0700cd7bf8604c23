/**
 * Waits `ms`, or less if `signal` aborts. Resolves true when the time passed
 * and false when cut short; it never rejects, because the simulator's timers
 * must not throw into nowhere. The timer is cleared on abort, so a stopped
 * simulator leaves nothing that keeps the process alive.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
