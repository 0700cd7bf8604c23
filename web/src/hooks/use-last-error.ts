import { useEffect, useState } from 'react';

/**
 * A query with no data that errors and then polls again goes back to
 * "pending" while it retries (TanStack Query v5): without this, a "not found
 * yet" page would flash "Loading…" on every poll. Keeps the last error
 * until data arrives.
 */
export function useLastError(q: { error: unknown; data: unknown }): unknown {
  const [last, setLast] = useState<unknown>(null);
  useEffect(() => {
    if (q.error) setLast(q.error);
    else if (q.data !== undefined) setLast(null);
  }, [q.error, q.data]);
  return q.error ?? (q.data === undefined ? last : null);
}
