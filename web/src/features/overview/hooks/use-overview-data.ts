import { useQuery } from '@tanstack/react-query';
import { POLL_MS } from '../../../lib/query-client';
import { useTRPC } from '../../../lib/trpc';

export function useReceiverStatus() {
  const trpc = useTRPC();
  return useQuery(trpc.system.receiver.queryOptions(undefined, { refetchInterval: POLL_MS }));
}

export function useRecentWorkflows() {
  const trpc = useTRPC();
  return useQuery(trpc.workflows.list.queryOptions({ status: 'all', limit: 8 }, { refetchInterval: POLL_MS }));
}
