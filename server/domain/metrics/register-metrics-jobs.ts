import type { Ctx } from '../context';
import { rollUpHours } from './roll-up-hours';

export const ROLLUP_JOB = 'metrics.hourly_rollups';

/**
 * Registers the hourly rollup, which runs once per cluster every minute.
 * (Telemetry's 10-second flushes are per process, each adding its own
 * counts; it is given the database where it is constructed.)
 */
export function registerMetricsJobs(ctx: Ctx): void {
  ctx.scheduler.register({
    name: ROLLUP_JOB,
    everyMs: 60_000,
    // A first run over 32 days of a large log takes a while; a crashed runner is replaced after this.
    leaseMs: 10 * 60_000,
    run: () => rollUpHours({ ctx }),
  });
}
