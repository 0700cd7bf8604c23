import { useQueryClient } from '@tanstack/react-query';
import { useNow } from '../../hooks/use-now';
import { connectionState, useConnectionStatus } from '../../lib/connection-status';
import { formatClock, formatRelative } from '../../lib/format';

/** When the server stops answering, every screen says so, and says how old its data is. */
export function ConnectionBanner() {
  const s = useConnectionStatus();
  const now = useNow();
  const queryClient = useQueryClient();
  const state = connectionState(s, now);
  if (state === 'live' || state === 'connecting') return null;
  const retry = () => void queryClient.refetchQueries({ type: 'active' });
  return (
    <div className={`banner ${state === 'stale' ? 'banner-warn' : 'banner-bad'}`} role="alert">
      {state !== 'stale' ? (
        <span>
          <strong>{state === 'unreachable' ? 'Server unreachable' : 'Server unavailable'}</strong> since {formatClock(s.failingSince!)}: {s.lastError} {s.lastSuccessAt ? `Showing data from ${formatRelative(s.lastSuccessAt, now)}.` : ''} Retrying by itself.
        </span>
      ) : (
        <span>
          <strong>Data may be stale:</strong> the last answer from the server was {formatRelative(s.lastSuccessAt, now)}.
        </span>
      )}
      <button type="button" className="btn btn-sm btn-secondary" onClick={retry}>
        Retry now
      </button>
    </div>
  );
}
