import type { Ctx } from '../context';
import { rollUpHours } from './roll-up-hours';

export const ROLLUP_JOB = 'metrics.hourly_rollups';

/**
 * Gives Telemetry the database for its 10-second flushes (per process: each
 * process adds its own counts), and registers the hourly rollup, which runs
 * once per cluster every minute.
 */
export function registerMetricsJobs(ctx: Ctx): void {
  ctx.telemetry.attach({ db: ctx.db, logger: ctx.logger, now: ctx.now });
  ctx.scheduler.register({
    name: ROLLUP_JOB,
    everyMs: 60_000,
    // A first run over 32 days of a large log takes a while; a crashed runner is replaced after this.
    leaseMs: 10 * 60_000,
    run: () => rollUpHours({ ctx }),
  });
}
