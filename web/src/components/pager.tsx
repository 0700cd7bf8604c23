import { Button } from './button';

/**
 * Cursor paging: the current page's cursor lives in the URL; "Previous"
 * needs the cursors seen before it, which the caller keeps.
 */
export function Pager({ label, hasPrevious, onFirst, onPrevious, nextCursor, onNext, summary }: { label: string; hasPrevious: boolean; onFirst?: () => void; onPrevious: () => void; nextCursor: string | null | undefined; onNext: (cursor: string) => void; summary?: string }) {
  if (!hasPrevious && !nextCursor) return summary ? <div className="pager"><span className="pager-summary">{summary}</span></div> : null;
  return (
    <nav className="pager" aria-label={label}>
      {summary && <span className="pager-summary">{summary}</span>}
      {onFirst && (
        <Button size="sm" variant="ghost" onClick={onFirst} disabled={!hasPrevious}>
          First page
        </Button>
      )}
      <Button size="sm" onClick={onPrevious} disabled={!hasPrevious}>
        Previous page
      </Button>
      <Button size="sm" onClick={() => nextCursor && onNext(nextCursor)} disabled={!nextCursor}>
        Next page
      </Button>
    </nav>
  );
}
