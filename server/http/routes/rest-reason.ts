import { NO_REASON_GIVEN, REASON_LENGTH } from '../../contracts/reason';
import type { Ctx } from '../../domain/context';
import { validationError } from '../../domain/errors';

/**
 * The reason of a REST replay or cleanup. The console always sends one; the
 * runbook's curl commands do not, so in development an absent reason is
 * recorded as "none given" and they work as written. Production asks for it
 * (400 naming `reason`). A dry run changes nothing: it may go without.
 */
export function restReason(ctx: Ctx, reason: string | undefined, opts: { dryRun?: boolean } = {}): string | undefined {
  if (reason !== undefined || opts.dryRun) return reason;
  if (ctx.config.isProduction) {
    throw validationError('The request is not valid.', [
      { path: 'reason', message: `is required in production: say why (${REASON_LENGTH.min} to ${REASON_LENGTH.max} characters)` },
    ]);
  }
  return NO_REASON_GIVEN;
}
