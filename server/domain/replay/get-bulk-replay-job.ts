import { eq } from 'drizzle-orm';
import type { BulkReplayJob, BulkReplayJobId, BulkReplayJobState } from '../../contracts/replay';
import { ACCESS } from '../../contracts/roles';
import { replayJobs, replays } from '../../db/schema';
import { defineVerb } from '../access/define-verb';
import type { Ctx } from '../context';
import { notFound } from '../errors';

export const bulkReplayStatusUrl = (ctx: Ctx, jobId: string) => `${ctx.config.baseUrl}/api/orchestrations/replay/bulk/${jobId}`;

/** A bulk replay job as its answer shows it: progress from the job row, who and why from its replay. */
export async function readBulkReplayJob(ctx: Ctx, jobId: string): Promise<BulkReplayJob | null> {
  const [row] = await ctx.db
    .select({ job: replayJobs, requestedBy: replays.requestedBy, reason: replays.reason, filter: replays.filter })
    .from(replayJobs)
    .innerJoin(replays, eq(replays.replayId, replayJobs.jobId))
    .where(eq(replayJobs.jobId, jobId));
  if (!row) return null;
  const j = row.job;
  return {
    job_id: j.jobId,
    state: j.state as BulkReplayJobState,
    requested_by: row.requestedBy,
    reason: row.reason,
    filter: (row.filter as Record<string, unknown> | null) ?? {},
    matched: j.matched,
    selected: j.selected,
    over_cap: j.overCap,
    done: j.done,
    failed: j.failed,
    skipped: j.skipped,
    workflows_total: j.workflowsTotal,
    workflows_done: j.cursor,
    unknown_event_ids: j.unknownEventIds as string[],
    failures: j.failures as BulkReplayJob['failures'],
    error: j.error,
    cancel_requested_at: j.cancelRequestedAt?.toISOString() ?? null,
    cancel_requested_by: j.cancelRequestedBy,
    created_at: j.createdAt.toISOString(),
    started_at: j.startedAt?.toISOString() ?? null,
    finished_at: j.finishedAt?.toISOString() ?? null,
    status_url: bulkReplayStatusUrl(ctx, j.jobId),
  };
}

/** `GET /api/orchestrations/replay/bulk/{job_id}`: a bulk replay's progress. */
export const getBulkReplayJob = defineVerb({
  action: 'replay.bulk.status',
  access: ACCESS.read,
  run: async ({ ctx, input }: { ctx: Ctx; input: BulkReplayJobId }): Promise<BulkReplayJob> => {
    const job = await readBulkReplayJob(ctx, input.job_id);
    if (!job) throw notFound(`No bulk replay job ${input.job_id}.`);
    return job;
  },
});
