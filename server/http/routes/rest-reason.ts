import { NO_REASON_GIVEN } from '../../contracts/reason';
import type { Ctx } from '../../domain/context';

/**
 * The reason of a REST replay or cleanup. The console always sends one; the
 * runbook's curl commands do not, so in development an absent reason is
 * recorded as "none given" and they work as written. In production it stays
 * absent and the verb refuses it (400 naming `reason`) once the caller's
 * role is known, so a caller without the role still gets its 403. A dry run
 * changes nothing: it may go without.
 */
export function restReason(ctx: Ctx, reason: string | undefined, opts: { dryRun?: boolean } = {}): string | undefined {
  if (reason !== undefined || opts.dryRun || ctx.config.isProduction) return reason;
  return NO_REASON_GIVEN;
}
