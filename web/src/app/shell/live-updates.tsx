import type { LiveChange } from '@contracts/live';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { liveStatus, logNotices } from '../../lib/live-status';
import { useTRPC, useTRPCClient } from '../../lib/trpc';

/** After the stream ended or failed for good: wait, then open it again. */
const RESUBSCRIBE_MS = 3_000;

/**
 * Holds the live stream (live.changes) while the console is open and turns
 * each change into the refetch of what shows it. The stream carries kinds
 * and ids, never data: the screens' own queries fetch, with the caller's role.
 */
export function LiveUpdates() {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(() => {
    let connectedOnce = false;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let sub: { unsubscribe(): void } | undefined;
    const invalidate = (queryKey: readonly unknown[]) => void queryClient.invalidateQueries({ queryKey });

    const apply = (c: LiveChange) => {
      switch (c.kind) {
        case 'resync':
          // A reconnection: whatever changed while the stream was down is fetched again.
          if (connectedOnce) void queryClient.invalidateQueries();
          connectedOnce = true;
          logNotices.emit({ kind: 'workflows' });
          return;
        case 'events':
          logNotices.emit({ kind: 'events', count: c.count ?? 1 });
          invalidate(trpc.system.receiver.queryKey());
          return;
        case 'workflows': {
          const ids = c.ids;
          invalidate(trpc.workflows.list.queryKey());
          if (ids) for (const workflowId of ids) invalidate(trpc.workflows.get.queryKey({ workflowId }));
          else invalidate(trpc.workflows.get.queryKey());
          // An event's processing status moved.
          invalidate(trpc.events.get.queryKey());
          logNotices.emit({ kind: 'workflows' });
          return;
        }
        case 'overview':
          invalidate(trpc.metrics.overview.queryKey());
          return;
        case 'alerts':
          invalidate(trpc.alerts.list.queryKey());
          return;
      }
    };

    const again = () => {
      liveStatus.set('reconnecting');
      if (!stopped) retry = setTimeout(open, RESUBSCRIBE_MS);
    };
    function open() {
      sub?.unsubscribe();
      sub = client.live.changes.subscribe(
        { kinds: ['events', 'workflows', 'overview', 'alerts'] },
        {
          onData: apply,
          onConnectionStateChange: (s) => liveStatus.set(s.state === 'pending' ? 'live' : connectedOnce || s.error ? 'reconnecting' : 'connecting'),
          onError: () => {
            // Perhaps the session ended (an UNAUTHORIZED event, or a 401 that EventSource does not show):
            // the session is re-read, and the sign-in page takes over if so.
            void queryClient.invalidateQueries({ queryKey: trpc.session.queryKey() });
            again();
          },
          // The server ended the stream (it is shutting down): another process will take it.
          onComplete: again,
        },
      );
    }
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      sub?.unsubscribe();
      liveStatus.set('connecting');
    };
  }, [client, trpc, queryClient]);
  return null;
}
