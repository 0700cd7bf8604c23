import type { Ctx } from '../context';

/** Registers alert evaluation with the cluster scheduler. */
export function registerAlertJobs(ctx: Ctx): void {
  void ctx;
}
