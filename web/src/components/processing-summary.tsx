import type { ProcessingSummary as Summary } from '@contracts/replay';
import { formatDuration, formatNumber } from '../lib/format';
import { Stat } from './card';

/** What a replay did: events re-run successfully, failed again, skipped, and how long it took. */
export function ProcessingSummary({ summary }: { summary: Summary }) {
  return (
    <div className="stats stats-compact stats-4" role="group" aria-label="Processing summary">
      <Stat label="Re-run successfully" value={formatNumber(summary.successful_events)} tone={summary.successful_events > 0 ? 'ok' : undefined} />
      <Stat label="Failed again" value={formatNumber(summary.failed_events)} tone={summary.failed_events > 0 ? 'bad' : undefined} />
      <Stat label="Skipped" value={formatNumber(summary.skipped_events)} />
      <Stat label="Took" value={formatDuration(summary.processing_time_ms)} />
    </div>
  );
}

const SKIP_TEXT = {
  already_processed: 'already processed',
  duplicate: 'duplicates of an earlier event',
  over_max_events: 'over the cap',
  no_longer_matching: 'changed meanwhile (no longer matching)',
} as const;

/** "12 already processed · 2 duplicates…": only the reasons that occurred. */
export function SkipReasons({ reasons }: { reasons: Record<keyof typeof SKIP_TEXT, number> }) {
  const parts = (Object.keys(SKIP_TEXT) as (keyof typeof SKIP_TEXT)[]).filter((k) => reasons[k] > 0);
  if (parts.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="inline-list" aria-label="Skip reasons">
      {parts.map((k) => (
        <li key={k}>
          {formatNumber(reasons[k])} {SKIP_TEXT[k]}
        </li>
      ))}
    </ul>
  );
}
