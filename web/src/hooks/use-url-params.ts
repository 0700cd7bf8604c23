import { useCallback } from 'react';
import { useSearchParams } from 'wouter';

/**
 * Filters live in the URL (`?status=failed&search=…`), so a filtered view
 * survives a reload and can be shared. Empty values are removed, and
 * changing a filter drops the page cursor.
 */
export function useUrlParams<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ''])) as Record<K, string>;
  const update = useCallback(
    (changes: Partial<Record<K | 'cursor', string | null>>, options: { replace?: boolean; keepCursor?: boolean } = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (!options.keepCursor) next.delete('cursor');
          for (const [k, v] of Object.entries(changes) as [string, string | null | undefined][]) {
            if (v === null || v === undefined || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: options.replace ?? false },
      );
    },
    [setParams],
  );
  return { values, cursor: params.get('cursor') ?? undefined, update };
}
