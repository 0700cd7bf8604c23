import { useEffect, useState } from 'react';

/**
 * Previous/next over cursor paging. The current cursor is in the URL (so a
 * reload keeps the page); the cursors before it are remembered here, and
 * after a reload "Previous" goes back to the first page.
 */
export function useCursorPages(cursor: string | undefined, setCursor: (cursor: string | null) => void) {
  const [before, setBefore] = useState<string[]>([]);
  useEffect(() => {
    if (!cursor) setBefore([]);
  }, [cursor]);
  return {
    page: before.length + 1,
    hasPrevious: Boolean(cursor),
    next(nextCursor: string) {
      setBefore((b) => [...b, cursor ?? '']);
      setCursor(nextCursor);
    },
    previous() {
      const prev = before.at(-1);
      setBefore((b) => b.slice(0, -1));
      setCursor(prev ? prev : null);
    },
    first() {
      setBefore([]);
      setCursor(null);
    },
  };
}
