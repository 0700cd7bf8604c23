import type { Ctx } from '../context';
import { deleteEndedWindows } from './window-counts';

export const RATE_LIMIT_CLEANUP_JOB = 'rate-limit-windows.cleanup';

/**
 * Deletes ended rate-limit windows once per cluster. Every 10 minutes keeps
 * the table at about the addresses seen in the last few windows; running it
 * twice is harmless.
 */
export function registerRateLimitCleanup(ctx: Ctx): void {
  ctx.scheduler.register({
    name: RATE_LIMIT_CLEANUP_JOB,
    everyMs: 600_000,
    leaseMs: 60_000,
    run: async () => ({ deleted: await deleteEndedWindows(ctx.db, ctx.now()) }),
  });
}
