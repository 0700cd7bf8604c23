import type { Logger } from 'pino';
import type { Db } from '../../db/database';
import { runAsJob } from '../../tracing/log-context';
import { type ProcessOptions, processPendingEvents } from './process-pending-events';
import { sweepTimedOutWorkflows } from './sweep-timed-out-workflows';

export interface ProjectionWorkerOptions {
  db: Db;
  logger: Logger;
  now: () => number;
  timeoutMin: number;
  pollMs?: number;
  sweepMs?: number;
  batchSize?: number;
  /**
   * How long a wake-up waits for more events before draining. Under a burst
   * this turns many small projection transactions into a few large ones,
   * which matters most on PGlite, whose queries share the main thread with
   * the requests.
   */
  debounceMs?: number;
  onProcessed?: ProcessOptions['onProcessed'];
  /** After each committed batch: the workflows whose projection it changed. */
  onWorkflowsChanged?: ProcessOptions['onWorkflowsChanged'];
  /** After each sweep: how many running workflows it turned timed_out. */
  onTimedOut?: (count: number) => void;
}

const PROJECTION_JOB = 'projections';
const SWEEP_JOB = 'projections.timed_out_sweep';

/**
 * Drains the event log into the projections off the request path, so a 202
 * waits only for the append. Woken after each commit, and polling as well
 * for events other processes stored.
 */
export class ProjectionWorker {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private timers: NodeJS.Timeout[] = [];
  private wakeUp: NodeJS.Timeout | undefined;

  constructor(private readonly o: ProjectionWorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.timers.push(setInterval(() => this.notify(), this.o.pollMs ?? 1000).unref());
    this.timers.push(setInterval(() => void this.sweep(), this.o.sweepMs ?? 60_000).unref());
    this.notify();
  }

  notify(): void {
    if (this.stopped || this.wakeUp) return;
    this.wakeUp = setTimeout(() => {
      this.wakeUp = undefined;
      this.drainSoon();
    }, this.o.debounceMs ?? 20);
  }

  private drainSoon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /**
   * Processes until nothing is pending (tests, shutdown). A drain that finds
   * nothing may only mean the timed worker holds the rest (SKIP LOCKED), so
   * it also waits for that run to end.
   */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      await this.running;
      const claimed = await this.drainOnce();
      if (claimed === 0 && !this.running) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wakeUp);
    this.wakeUp = undefined;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.drainOnce()) >= (this.o.batchSize ?? 500)) {
          // a full batch: there may be more
        }
      } catch {
        // Logged by drainOnce, inside the batch's context.
        return;
      }
    } while (this.again && !this.stopped);
  }

  /**
   * One batch, in a context of its own: the worker is woken from whichever
   * request's commit came first, and a batch holds many requests' events,
   * so it must not log under that request's id.
   */
  private drainOnce(): Promise<number> {
    return runAsJob(PROJECTION_JOB, async () => {
      try {
        return await processPendingEvents(this.o.db, {
          now: new Date(this.o.now()),
          timeoutMin: this.o.timeoutMin,
          batchSize: this.o.batchSize ?? 500,
          ...(this.o.onProcessed ? { onProcessed: this.o.onProcessed } : {}),
          ...(this.o.onWorkflowsChanged ? { onWorkflowsChanged: this.o.onWorkflowsChanged } : {}),
        });
      } catch (e) {
        this.o.logger.warn({ err: e }, 'projection worker could not process pending events; will retry');
        throw e;
      }
    });
  }

  private sweep(): Promise<void> {
    return runAsJob(SWEEP_JOB, async () => {
      try {
        this.o.onTimedOut?.(await sweepTimedOutWorkflows(this.o.db, { now: new Date(this.o.now()), timeoutMin: this.o.timeoutMin }));
      } catch (e) {
        this.o.logger.warn({ err: e }, 'timed-out sweep failed; will retry');
      }
    });
  }
}
