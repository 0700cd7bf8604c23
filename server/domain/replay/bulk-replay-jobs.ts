import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { BulkReplayJob, BulkReplayJobState, StoredReplaySummary } from '../../contracts/replay';
import type { ProcessingStatus } from '../../contracts/webhook-event';
import { replayJobs, replays } from '../../db/schema';
import type { Ctx } from '../context';
import { closeReplayRecord } from './record-replay';
import { reapplyWorkflowEvents } from './reapply-workflow-events';

/** A claim holds this long; every batch renews it. A crashed runner's job is taken over once it ends. */
export const REPLAY_JOB_LEASE_MS = 60_000;
/** Workflows that failed again, listed one by one up to this many; the counts are always complete. */
const MAX_LISTED_FAILURES = 200;
const ACTIVE: BulkReplayJobState[] = ['queued', 'running'];

/** One batch: one workflow, its selected events, in its own transaction. */
export interface PlanEntry {
  workflow_id: string;
  event_ids: string[];
}

export interface NewBulkReplayJob {
  jobId: string;
  plan: PlanEntry[];
  onlyIfStatusIn: readonly ProcessingStatus[] | null;
  matched: number;
  selected: number;
  overCap: number;
  unknownEventIds: string[];
}

export async function enqueueBulkReplayJob(ctx: Ctx, job: NewBulkReplayJob): Promise<void> {
  await ctx.db.insert(replayJobs).values({
    jobId: job.jobId,
    state: 'queued',
    plan: job.plan,
    onlyIfStatusIn: job.onlyIfStatusIn,
    workflowsTotal: job.plan.length,
    matched: job.matched,
    selected: job.selected,
    overCap: job.overCap,
    unknownEventIds: job.unknownEventIds,
    createdAt: new Date(ctx.now()),
  });
}

/**
 * Claims the oldest job nobody holds (queued, or running under a lease that
 * ended): one conditional UPDATE over a `FOR UPDATE SKIP LOCKED` pick, so of
 * several processes exactly one gets each job.
 */
export async function claimBulkReplayJob(ctx: Ctx, owner: string): Promise<string | null> {
  const now = new Date(ctx.now());
  const free = ctx.db
    .select({ id: replayJobs.jobId })
    .from(replayJobs)
    .where(and(inArray(replayJobs.state, ACTIVE), or(isNull(replayJobs.lockedUntil), lte(replayJobs.lockedUntil, now))))
    .orderBy(asc(replayJobs.createdAt))
    .limit(1)
    .for('update', { skipLocked: true });
  const [claimed] = await ctx.db
    .update(replayJobs)
    .set({
      state: 'running',
      lockedBy: owner,
      lockedUntil: new Date(now.getTime() + REPLAY_JOB_LEASE_MS),
      startedAt: sql`coalesce(${replayJobs.startedAt}, ${now.toISOString()}::timestamptz)`,
    })
    // Checked again: the pick and the update see the same row, but a cancel may have ended a queued job in between.
    .where(and(inArray(replayJobs.jobId, free), inArray(replayJobs.state, ACTIVE)))
    .returning({ id: replayJobs.jobId });
  return claimed?.id ?? null;
}

export type BatchOutcome = 'continue' | 'finished' | 'lost';

/**
 * Runs the job's next batch, if this process still holds it: in one
 * transaction, the job row is locked, a cancel is honoured (the batches
 * done so far stay done), the next workflow is re-applied and the cursor,
 * counts and lease move with it. A crash loses at most the batch in
 * flight, which rolls back as a whole and is run again from the cursor.
 */
export async function runBulkReplayBatch(ctx: Ctx, jobId: string, owner: string): Promise<BatchOutcome> {
  return ctx.db.transaction(async (tx) => {
    const [job] = await tx
      .select()
      .from(replayJobs)
      .where(and(eq(replayJobs.jobId, jobId), eq(replayJobs.lockedBy, owner), eq(replayJobs.state, 'running')))
      .for('update');
    // Another process took it over (our lease ended), or it ended.
    if (!job) return 'lost';
    const txCtx: Ctx = { ...ctx, db: tx };
    if (job.cancelRequestedAt) {
      await finishJob(txCtx, job, 'cancelled');
      return 'finished';
    }
    const plan = job.plan as PlanEntry[];
    const entry = plan[job.cursor];
    if (!entry) {
      await finishJob(txCtx, job, 'completed');
      return 'finished';
    }
    const r = await reapplyWorkflowEvents({
      ctx: txCtx,
      input: { workflowId: entry.workflow_id, eventIds: entry.event_ids, onlyIfStatusIn: job.onlyIfStatusIn as ProcessingStatus[] | null },
    });
    const failures = job.failures as BulkReplayJob['failures'];
    const next = {
      ...job,
      cursor: job.cursor + 1,
      done: job.done + r.processed.length,
      failed: job.failed + r.failed.length,
      skipped: job.skipped + r.noLongerMatching.length,
      failures:
        r.failed.length > 0 && failures.length < MAX_LISTED_FAILURES
          ? [...failures, { workflow_id: entry.workflow_id, failed_events: r.failed.length, error: r.error }]
          : failures,
      lockedUntil: new Date(ctx.now() + REPLAY_JOB_LEASE_MS),
    };
    await tx
      .update(replayJobs)
      .set({ cursor: next.cursor, done: next.done, failed: next.failed, skipped: next.skipped, failures: next.failures, lockedUntil: next.lockedUntil })
      .where(eq(replayJobs.jobId, jobId));
    if (next.cursor >= plan.length) {
      await finishJob(txCtx, next, 'completed');
      return 'finished';
    }
    return 'continue';
  });
}

type JobRow = typeof replayJobs.$inferSelect;

/** The job's end, and its replay's: the `replays` row closed and the audit entry written (with the reason). */
async function finishJob(ctx: Ctx, job: JobRow, state: 'completed' | 'cancelled' | 'failed', error?: string): Promise<void> {
  const now = new Date(ctx.now());
  await ctx.db
    .update(replayJobs)
    .set({ state, finishedAt: now, lockedBy: null, lockedUntil: null, error: error ?? null })
    .where(eq(replayJobs.jobId, job.jobId));
  const [replay] = await ctx.db.select().from(replays).where(eq(replays.replayId, job.jobId));
  if (!replay) return;
  const summary: StoredReplaySummary = {
    events_found: job.matched,
    events_to_rerun: job.selected,
    workflows_affected: job.workflowsTotal,
    workflows_done: job.cursor,
    processing_summary: {
      successful_events: job.done,
      failed_events: job.failed,
      skipped_events: job.skipped + job.overCap,
      processing_time_ms: job.startedAt ? now.getTime() - job.startedAt.getTime() : 0,
    },
    ...(error ? { error: error.slice(0, 500) } : {}),
  };
  const status = state === 'completed' ? (job.failed > 0 ? 'completed_with_failures' : 'completed') : state;
  await closeReplayRecord(ctx, {
    replayId: job.jobId,
    kind: 'bulk',
    requester: { name: replay.requestedBy },
    workflowId: null,
    filter: (replay.filter as Record<string, unknown> | null) ?? {},
    dryRun: false,
    reason: replay.reason,
    status,
    summary,
  });
}

/** A job that threw other than by the database going away: failed, with what is known, if this process still holds it. */
export async function failBulkReplayJob(ctx: Ctx, jobId: string, owner: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await ctx.db.transaction(async (tx) => {
    const [job] = await tx
      .select()
      .from(replayJobs)
      .where(and(eq(replayJobs.jobId, jobId), eq(replayJobs.lockedBy, owner)))
      .for('update');
    if (job) await finishJob({ ...ctx, db: tx }, job, 'failed', message);
  });
}

/** Gives the claim back at once (a graceful stop), so another process resumes from the cursor without waiting out the lease. */
export async function releaseBulkReplayJob(ctx: Ctx, jobId: string, owner: string): Promise<void> {
  await ctx.db
    .update(replayJobs)
    .set({ lockedBy: null, lockedUntil: null })
    .where(and(eq(replayJobs.jobId, jobId), eq(replayJobs.lockedBy, owner), eq(replayJobs.state, 'running')));
}

/**
 * Asks a job to stop: a queued one is cancelled at once; a running one at
 * its next batch boundary (the batch in flight finishes). Null: no such job;
 * the row otherwise, whatever its state (the caller tells an ended one).
 */
export async function requestBulkReplayCancel(ctx: Ctx, jobId: string, by: string): Promise<{ before: BulkReplayJobState; row: JobRow } | null> {
  return ctx.db.transaction(async (tx) => {
    const [job] = await tx.select().from(replayJobs).where(eq(replayJobs.jobId, jobId)).for('update');
    if (!job) return null;
    const before = job.state as BulkReplayJobState;
    if (!ACTIVE.includes(before)) return { before, row: job };
    const now = new Date(ctx.now());
    const row = { ...job, cancelRequestedAt: job.cancelRequestedAt ?? now, cancelRequestedBy: job.cancelRequestedBy ?? by };
    await tx
      .update(replayJobs)
      .set({ cancelRequestedAt: row.cancelRequestedAt, cancelRequestedBy: row.cancelRequestedBy })
      .where(eq(replayJobs.jobId, jobId));
    if (before === 'queued') await finishJob({ ...ctx, db: tx }, row, 'cancelled');
    return { before, row };
  });
}
