import type { Ctx } from '../context';
import { cleanupOldEvents } from './cleanup-old-events';

export const RETENTION_JOB_NAME = 'retention.cleanup';
export const RETENTION_ACTOR = 'system:retention';
/** The daily job's reason in the audit log. */
export const RETENTION_REASON = 'daily retention policy (RETENTION_DAYS)';
const DAY_MS = 86_400_000;

/**
 * The daily cleanup at RETENTION_DAYS, once per cluster: every process
 * registers it and whichever claims the day's run does it. The lease only
 * lets another process take over from a crashed one; a cleanup is safe to
 * run twice.
 */
export function registerRetentionJob(ctx: Ctx): void {
  ctx.scheduler.register({
    name: RETENTION_JOB_NAME,
    everyMs: DAY_MS,
    leaseMs: 3_600_000,
    run: () => cleanupOldEvents({ ctx, input: { retentionDays: ctx.config.retentionDays, actor: RETENTION_ACTOR, trigger: 'schedule', reason: RETENTION_REASON } }),
  });
}
