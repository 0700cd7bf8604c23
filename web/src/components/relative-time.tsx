import { useNow } from '../hooks/use-now';
import { formatDateTime, formatRelative } from '../lib/format';

/** "3 min ago", with the full time in the browser's zone on hover (and for screen readers via dateTime). */
export function RelativeTime({ iso, fallback = '—' }: { iso: string | null | undefined; fallback?: string }) {
  const now = useNow();
  if (!iso) return <span className="muted">{fallback}</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
