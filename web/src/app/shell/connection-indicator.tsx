import { useNow } from '../../hooks/use-now';
import { connectionState, useConnectionStatus } from '../../lib/connection-status';
import { formatClock, formatRelative } from '../../lib/format';

const LABEL = { connecting: 'Connecting', live: 'Live', stale: 'Stale', unreachable: 'Server unreachable', unavailable: 'Server unavailable' } as const;
const TONE = { connecting: 'neutral', live: 'ok', stale: 'warn', unreachable: 'bad', unavailable: 'bad' } as const;

/** Is what the console shows current? Live (recent answers), stale (none for a while) or unreachable. */
export function ConnectionIndicator() {
  const s = useConnectionStatus();
  const now = useNow();
  const state = connectionState(s, now);
  const updated = s.lastSuccessAt ? `updated ${formatRelative(s.lastSuccessAt, now)}` : 'no data yet';
  return (
    <div className={`conn conn-${TONE[state]}`} title={s.lastSuccessAt ? `Last answer at ${formatClock(s.lastSuccessAt)}` : undefined}>
      <span className={`dot dot-${TONE[state]}${state === 'live' ? ' dot-pulse' : ''}`} aria-hidden="true" />
      <span className="conn-label" role="status" aria-label={`Connection: ${LABEL[state]}`}>
        {LABEL[state]}
      </span>
      {state !== 'connecting' && <span className="conn-updated">· {updated}</span>}
    </div>
  );
}
