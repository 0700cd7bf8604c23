import { useQuery } from '@tanstack/react-query';
import { POLL_MS } from '../../../lib/query-client';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

export type EventDetail = RouterOutputs['events']['get'];

/** One stored event; re-read while it is still pending processing. */
export function useEvent(eventId: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.events.get.queryOptions({ eventId }, { refetchInterval: (q) => (q.state.data?.processing_status === 'pending' ? POLL_MS : false) }),
  );
}
