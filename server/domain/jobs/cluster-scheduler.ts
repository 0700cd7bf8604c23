import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lte, or } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { isDatabaseUnavailable } from '../../db/db-errors';
import { jobRuns } from '../../db/schema';
import { runAsJob } from '../../tracing/log-context';

export interface ClusterJob {
  name: string;
  /** How often the job is due, cluster-wide. */
  everyMs: number;
  /** How long a claim holds before another process may take over (a crashed runner). */
  leaseMs: number;
  run: () => Promise<unknown>;
}

/**
 * Claims the job's next run if it is due and nobody holds it: one
 * conditional UPDATE, so among several processes exactly one gets it.
 */
export async function claimJob(db: Db, job: Pick<ClusterJob, 'name' | 'everyMs' | 'leaseMs'>, now: Date, owner: string): Promise<boolean> {
  await db.insert(jobRuns).values({ job: job.name }).onConflictDoNothing();
  const dueBefore = new Date(now.getTime() - job.everyMs);
  const claimed = await db
    .update(jobRuns)
    .set({ lockedUntil: new Date(now.getTime() + job.leaseMs), lockedBy: owner, lastStartedAt: now })
    .where(
      and(
        eq(jobRuns.job, job.name),
        or(isNull(jobRuns.lockedUntil), lte(jobRuns.lockedUntil, now)),
        or(isNull(jobRuns.lastStartedAt), lte(jobRuns.lastStartedAt, dueBefore)),
      ),
    )
    .returning({ job: jobRuns.job });
  return claimed.length > 0;
}

export async function finishJob(db: Db, name: string, owner: string, now: Date, outcome: { result?: unknown; error?: string }) {
  await db
    .update(jobRuns)
    .set({ lockedUntil: null, lastFinishedAt: now, lastResult: outcome.result ?? null, lastError: outcome.error ?? null })
    .where(and(eq(jobRuns.job, name), eq(jobRuns.lockedBy, owner)));
}

/**
 * Runs background jobs (alert evaluation, retention, rollups) once per
 * cluster: every process ticks, and whichever claims a due job runs it.
 */
export class ClusterScheduler {
  private readonly jobs: ClusterJob[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = new Set<Promise<void>>();
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(private readonly o: { db: Db; logger: Logger; now: () => number; tickMs?: number }) {}

  register(job: ClusterJob): void {
    this.jobs.push(job);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 5_000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.running]);
  }

  /** One pass over the jobs; exposed so tests can drive it. */
  async tick(): Promise<void> {
    for (const job of this.jobs) {
      let claimed = false;
      try {
        claimed = await claimJob(this.o.db, job, new Date(this.o.now()), this.owner);
      } catch (e) {
        if (!isDatabaseUnavailable(e)) this.o.logger.warn({ err: e, job: job.name }, 'could not claim a background job');
        continue;
      }
      if (!claimed) continue;
      // Each run in a context of its own (`job:<name>:<uuid>`): its log lines group by correlation_id.
      const p = runAsJob(job.name, () => this.runClaimed(job));
      this.running.add(p);
      await p;
      this.running.delete(p);
    }
  }

  private async runClaimed(job: ClusterJob): Promise<void> {
    try {
      const result = await job.run();
      await finishJob(this.o.db, job.name, this.owner, new Date(this.o.now()), { result: result ?? null });
    } catch (e) {
      this.o.logger.warn({ err: e, job: job.name }, 'background job failed; it will run again when due');
      await finishJob(this.o.db, job.name, this.owner, new Date(this.o.now()), {
        error: e instanceof Error ? e.message : String(e),
      }).catch(() => {});
    }
  }
}

