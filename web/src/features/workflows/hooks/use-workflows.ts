import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { isNotFound } from '../../../lib/api-error';
import { useLivePoll, useLiveState } from '../../../lib/live-status';
import { LIVE_POLL_MS, POLL_MS } from '../../../lib/query-client';
import { type RouterInputs, type RouterOutputs, useTRPC } from '../../../lib/trpc';
import type { WorkflowStatusFilter } from './use-workflow-filters';

export type WorkflowRow = RouterOutputs['workflows']['list']['workflows'][number];
export type WorkflowDetail = RouterOutputs['workflows']['get'];
export const PAGE_SIZE = 25;

export function useWorkflowList(filters: { status: WorkflowStatusFilter; search: string; cursor: string | undefined }) {
  const trpc = useTRPC();
  const poll = useLivePoll(POLL_MS);
  return useQuery(
    trpc.workflows.list.queryOptions(
      { status: filters.status, search: filters.search || undefined, limit: PAGE_SIZE, cursor: filters.cursor },
      { refetchInterval: poll, placeholderData: keepPreviousData },
    ),
  );
}

/**
 * A workflow's detail, re-read whenever its projection changes (pushed). While the
 * stream is down it is polled: often while it runs, or until a just re-run one's first callback.
 */
export function useWorkflow(workflowId: string) {
  const trpc = useTRPC();
  const live = useLiveState() === 'live';
  return useQuery(
    trpc.workflows.get.queryOptions(
      { workflowId },
      {
        refetchInterval: (q) => {
          if (live) return false;
          if (q.state.error && isNotFound(q.state.error)) return LIVE_POLL_MS;
          const status = q.state.data?.workflow?.status;
          return status === 'running' || !status ? LIVE_POLL_MS : POLL_MS * 2;
        },
      },
    ),
  );
}

export function useRerunWorkflow() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.workflows.rerun.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.workflows.list.queryKey() }),
    }),
  );
}

export type ReplayWorkflowInput = RouterInputs['replay']['workflow'];
export type ReplayWorkflowResult = RouterOutputs['replay']['workflow'];

/** Replay of a workflow's stored events, dry run or real; a real one refreshes the workflow. */
export function useReplayWorkflow() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.replay.workflow.mutationOptions({
      onSuccess: (r) => {
        if (r.dry_run) return;
        void queryClient.invalidateQueries({ queryKey: trpc.workflows.get.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.workflows.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.replay.list.queryKey() });
      },
    }),
  );
}
