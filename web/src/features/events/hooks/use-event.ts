import { useQuery } from '@tanstack/react-query';
import { useLivePoll } from '../../../lib/live-status';
import { POLL_MS } from '../../../lib/query-client';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

export type EventDetail = RouterOutputs['events']['get'];

/** One stored event; re-read when its processing is pushed (or, while the stream is down, polled while pending). */
export function useEvent(eventId: string) {
  const trpc = useTRPC();
  const poll = useLivePoll(POLL_MS);
  return useQuery(
    trpc.events.get.queryOptions({ eventId }, { refetchInterval: (q) => (q.state.data?.processing_status === 'pending' ? poll : false) }),
  );
}
