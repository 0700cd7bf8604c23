import { useNow } from '../../hooks/use-now';
import { connectionState, useConnectionStatus } from '../../lib/connection-status';
import { useLiveState } from '../../lib/live-status';
import { formatClock, formatRelative } from '../../lib/format';

const LABEL = { connecting: 'Connecting', live: 'Live', reconnecting: 'Reconnecting', stale: 'Stale', unreachable: 'Server unreachable', unavailable: 'Server unavailable' } as const;
const TONE = { connecting: 'neutral', live: 'ok', reconnecting: 'warn', stale: 'warn', unreachable: 'bad', unavailable: 'bad' } as const;

/**
 * Is what the console shows current? Live (the server pushes changes),
 * reconnecting (the stream dropped: screens poll until it is back), stale
 * (no answer for a while) or unreachable.
 */
export function ConnectionIndicator() {
  const s = useConnectionStatus();
  const now = useNow();
  const live = useLiveState();
  const answers = connectionState(s, now);
  const state = answers === 'live' && live === 'reconnecting' ? 'reconnecting' : answers;
  const updated = s.lastSuccessAt ? `updated ${formatRelative(s.lastSuccessAt, now)}` : 'no data yet';
  return (
    <div
      className={`conn conn-${TONE[state]}`}
      title={state === 'reconnecting' ? 'Live updates dropped: the screens poll every few seconds until they are back.' : s.lastSuccessAt ? `Last answer at ${formatClock(s.lastSuccessAt)}` : undefined}
    >
      <span className={`dot dot-${TONE[state]}${state === 'live' ? ' dot-pulse' : ''}`} aria-hidden="true" />
      <span className="conn-label" role="status" aria-label={`Connection: ${LABEL[state]}`}>
        {LABEL[state]}
      </span>
      {state !== 'connecting' && <span className="conn-updated">· {updated}</span>}
    </div>
  );
}
