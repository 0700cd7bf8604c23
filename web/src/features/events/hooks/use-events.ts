import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNow } from '../../../hooks/use-now';
import { useLivePoll } from '../../../lib/live-status';
import { POLL_MS } from '../../../lib/query-client';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../../../lib/trpc';
import { type EventFilters, resolveTimeRange } from './use-event-filters';

export type LogEvent = RouterOutputs['diagnostics']['events']['events'][number];
export type SystemHealth = RouterOutputs['diagnostics']['events']['system_health'];
export type Rejection = RouterOutputs['diagnostics']['rejections']['rejections'][number];
export type BulkReplayInput = RouterInputs['replay']['bulk'];
export type BulkReplayResult = RouterOutputs['replay']['bulk'];

export const PAGE_SIZE = 50;

/**
 * The event log page for the filters in the URL; the newest page stays live
 * (pushed changes, see use-live-log.ts; polling only while the stream is
 * down), an older page is a fixed window.
 */
export function useEventLog(f: EventFilters) {
  const trpc = useTRPC();
  const poll = useLivePoll(POLL_MS);
  const now = useNow();
  const range = resolveTimeRange(f, now);
  return useQuery(
    trpc.diagnostics.events.queryOptions(
      {
        limit: PAGE_SIZE,
        status: f.status,
        ...(f.eventType ? { event_type: f.eventType } : {}),
        ...(f.workflowId ? { workflow_id: f.workflowId } : {}),
        ...(f.agentId ? { agent_id: f.agentId } : {}),
        ...range,
        ...(f.payload.ok && f.payload.value ? { q: f.payload.value } : {}),
        ...(f.cursor ? { cursor: f.cursor } : {}),
      },
      { enabled: f.payload.ok, refetchInterval: f.cursor ? false : poll, placeholderData: keepPreviousData },
    ),
  );
}

/** The receiver's health over the last hour alone (one event read), for the refused deliveries tab. */
export function useReceiverHealth() {
  const trpc = useTRPC();
  return useQuery(trpc.diagnostics.events.queryOptions({ limit: 1 }, { refetchInterval: POLL_MS, select: (d) => d.system_health }));
}

export function useRejections(filters: { reason: string; cursor: string | undefined }) {
  const trpc = useTRPC();
  return useQuery(
    trpc.diagnostics.rejections.queryOptions(
      { limit: PAGE_SIZE, ...(filters.reason ? { reason: filters.reason } : {}), ...(filters.cursor ? { cursor: filters.cursor } : {}) },
      { refetchInterval: filters.cursor ? false : POLL_MS, placeholderData: keepPreviousData },
    ),
  );
}

/** Bulk replay, dry run or real; a real one is a job (use-bulk-replay-job.ts refreshes what shows events once it ends). */
export function useBulkReplay() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.replay.bulk.mutationOptions({
      onSuccess: (r) => {
        if (!('job_id' in r)) return;
        void queryClient.invalidateQueries({ queryKey: trpc.diagnostics.events.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.events.get.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.replay.list.queryKey() });
      },
    }),
  );
}
