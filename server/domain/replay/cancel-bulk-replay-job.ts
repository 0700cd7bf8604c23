import type { BulkReplayJob, BulkReplayJobId } from '../../contracts/replay';
import { ACCESS } from '../../contracts/roles';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { DomainError, notFound } from '../errors';
import { requestBulkReplayCancel } from './bulk-replay-jobs';
import { readBulkReplayJob } from './get-bulk-replay-job';

/**
 * `POST /api/orchestrations/replay/bulk/{job_id}/cancel`: a queued job ends
 * at once; a running one between batches (the batch in flight finishes, and
 * every batch done stays done). Asking twice is the same as once; a job that
 * already ended is a 409.
 */
export const cancelBulkReplayJob = defineVerb({
  action: 'replay.bulk.cancel',
  access: ACCESS.operate,
  run: async ({ ctx, input }: { ctx: ActorCtx; input: BulkReplayJobId }): Promise<BulkReplayJob> => {
    const r = await requestBulkReplayCancel(ctx, input.job_id, ctx.actor.name);
    if (!r) throw notFound(`No bulk replay job ${input.job_id}.`);
    if (r.before !== 'queued' && r.before !== 'running') {
      throw new DomainError('Conflict', 'Conflict', `The bulk replay job ${input.job_id} has already ended (${r.before}).`);
    }
    ctx.audit.record({
      actor: ctx.actor.name,
      action: 'replay.bulk.cancel',
      outcome: 'success',
      target: input.job_id,
      details: { job_id: input.job_id, state_before: r.before, workflows_done: r.row.cursor, workflows_total: r.row.workflowsTotal },
      sourceIp: ctx.sourceIp,
      correlationId: ctx.correlationId,
    });
    return (await readBulkReplayJob(ctx, input.job_id))!;
  },
});
