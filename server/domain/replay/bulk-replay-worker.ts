import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnavailable } from '../../db/db-errors';
import { runAsJob } from '../../tracing/log-context';
import type { Ctx } from '../context';
import { claimBulkReplayJob, failBulkReplayJob, releaseBulkReplayJob, runBulkReplayBatch } from './bulk-replay-jobs';

/** How often an idle process looks for a job (one enqueued here is started at once). */
const POLL_MS = 2_000;

/**
 * Runs bulk replay jobs in this process: claims one from `replay_jobs`
 * (with a lease, so in a cluster each job has one runner at a time and a
 * crashed runner's job is resumed from its cursor by another process),
 * runs it batch by batch, then looks for the next. One job at a time per
 * process. `pauseMs` spaces the batches out (REPLAY_BATCH_PAUSE_MS), to
 * spare the database during a long replay.
 */
export class BulkReplayWorker {
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly ctxOf: () => Ctx,
    private readonly o: { pauseMs?: number } = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS).unref();
    this.kick();
  }

  /** A job was enqueued: start it now rather than at the next poll (only once started). */
  kick(): void {
    if (!this.timer || this.stopping) return;
    void this.runUntilIdle().catch((e: unknown) => this.ctxOf().logger.warn({ err: e }, 'bulk replay worker failed; it polls again'));
  }

  /** Runs jobs until none is left to claim; exposed so tests drive it. */
  runUntilIdle(): Promise<void> {
    this.loop ??= (async () => {
      try {
        for (;;) {
          if (this.stopping) return;
          const jobId = await claimBulkReplayJob(this.ctxOf(), this.owner);
          if (!jobId) return;
          await runAsJob('replay.bulk', () => this.runJob(jobId));
        }
      } finally {
        this.loop = null;
      }
    })();
    return this.loop;
  }

  /** Stops after the batch in flight and gives the claim back, so another process resumes at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.loop?.catch(() => {});
  }

  private async runJob(jobId: string): Promise<void> {
    const ctx = this.ctxOf();
    try {
      for (;;) {
        if (this.stopping) {
          await releaseBulkReplayJob(ctx, jobId, this.owner);
          return;
        }
        const outcome = await runBulkReplayBatch(ctx, jobId, this.owner);
        if (outcome !== 'continue') return;
        if (this.o.pauseMs) await sleep(this.o.pauseMs);
      }
    } catch (e) {
      // The database went away: the lease runs out and the job resumes from its cursor.
      if (isDatabaseUnavailable(e)) throw e;
      ctx.logger.warn({ err: e, jobId }, 'bulk replay job failed');
      await failBulkReplayJob(ctx, jobId, this.owner, e);
    }
  }
}
