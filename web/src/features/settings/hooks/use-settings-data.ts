import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AUDIT_LOG_LIMIT } from '@contracts/limits';
import { LIVE_POLL_MS, POLL_MS } from '../../../lib/query-client';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

export type Configuration = RouterOutputs['system']['configuration'];
export type SyncStatus = RouterOutputs['forceSync']['status'];
export type ConsoleUser = RouterOutputs['users']['list'][number];
export type AuditEntry = RouterOutputs['audit']['list']['entries'][number];

/** A force sync is over when its workflow is (or Opal refused it). */
export const FINISHED_SYNC = new Set(['completed', 'failed', 'timed_out']);

export function useConfiguration() {
  const trpc = useTRPC();
  return useQuery(trpc.system.configuration.queryOptions(undefined, { refetchInterval: POLL_MS }));
}

export function useHealth() {
  const trpc = useTRPC();
  return useQuery(trpc.system.health.queryOptions(undefined, { refetchInterval: 10_000 }));
}

export function useReceiver() {
  const trpc = useTRPC();
  return useQuery(trpc.system.receiver.queryOptions(undefined, { refetchInterval: POLL_MS }));
}

export function useStartForceSync() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.forceSync.start.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.workflows.list.queryKey() }),
    }),
  );
}

/** Follows a force sync live until it finishes. */
export function useSyncStatus(syncId: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.forceSync.status.queryOptions(
      { syncId },
      { refetchInterval: (q) => (q.state.data && FINISHED_SYNC.has(q.state.data.status) ? false : q.state.data === undefined && q.state.error ? false : LIVE_POLL_MS / 2) },
    ),
  );
}

export function useUsers() {
  const trpc = useTRPC();
  return useQuery(trpc.users.list.queryOptions(undefined, { refetchInterval: 30_000 }));
}

export function useCreateUser() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(trpc.users.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() }) }));
}

export function useUpdateUser() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(trpc.users.update.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() }) }));
}

export function useAuditLog(filters: { action: string; cursor: string | undefined }) {
  const trpc = useTRPC();
  return useQuery(
    trpc.audit.list.queryOptions(
      { action: filters.action || undefined, limit: AUDIT_LOG_LIMIT.default, cursor: filters.cursor },
      // The newest page stays live; an older page is a fixed window.
      { refetchInterval: filters.cursor ? false : 10_000, placeholderData: keepPreviousData },
    ),
  );
}

export type ConfigurationReport = RouterOutputs['diagnostics']['testConfiguration'];
export type CleanupResult = RouterOutputs['diagnostics']['cleanup'];
export type ReplayItem = RouterOutputs['replay']['list']['replays'][number];

export function useTestConfiguration() {
  const trpc = useTRPC();
  return useMutation(trpc.diagnostics.testConfiguration.mutationOptions());
}

export function useCleanup() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(trpc.diagnostics.cleanup.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }));
}

/** How many replays the history lists (within the contract's limit), and says it does. */
export const REPLAY_HISTORY_SIZE = 100;

export function useReplayHistory() {
  const trpc = useTRPC();
  return useQuery(trpc.replay.list.queryOptions({ limit: REPLAY_HISTORY_SIZE }, { refetchInterval: 10_000 }));
}
