import { useEffect } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

type BulkAnswer = RouterOutputs['replay']['bulk'];
export type BulkReplayJob = RouterOutputs['replay']['bulkJob'];
export type BulkDryRun = Exclude<BulkAnswer, { job_id: string }>;
export type BulkAccepted = Extract<BulkAnswer, { job_id: string }>;

/** A bulk replay answers its dry run at once, and a real run with the queued job. */
export const dryRunOf = (r: BulkAnswer | null | undefined): BulkDryRun | null => (r && !('job_id' in r) ? r : null);
export const acceptedOf = (r: BulkAnswer | null | undefined): BulkAccepted | null => (r && 'job_id' in r ? r : null);
export const isActive = (j: Pick<BulkReplayJob, 'state'>) => j.state === 'queued' || j.state === 'running';

// Progress of a job this operator is watching in a dialog: a short poll that stops when it ends.
const PROGRESS_MS = 500;

/** A job's progress, from its queued answer until it ends; once it ends, everything that shows events is refreshed. */
export function useBulkReplayJob(accepted: BulkAccepted | null) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const q = useQuery(
    trpc.replay.bulkJob.queryOptions(
      { job_id: accepted?.job_id ?? '' },
      {
        enabled: accepted !== null,
        initialData: accepted?.job,
        refetchInterval: (query) => (query.state.data && !isActive(query.state.data) ? false : PROGRESS_MS),
      },
    ),
  );
  const ended = q.data !== undefined && !isActive(q.data);
  useEffect(() => {
    if (!ended) return;
    void queryClient.invalidateQueries({ queryKey: trpc.diagnostics.events.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.events.get.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.replay.list.queryKey() });
  }, [ended]);
  return q;
}

export function useCancelBulkReplay() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.replay.cancelBulk.mutationOptions({
      onSuccess: (job) => queryClient.setQueryData(trpc.replay.bulkJob.queryKey({ job_id: job.job_id }), job),
    }),
  );
}
