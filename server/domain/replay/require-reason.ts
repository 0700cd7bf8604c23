import { REASON_LENGTH } from '../../contracts/limits';
import { validationError } from '../errors';

/**
 * A replay or cleanup that changes data needs its reason: checked by the
 * verb itself, first thing after its role check, so no transport can forget
 * it (REST in development fills in "none given" before).
 */
export function requireReason(reason: string | undefined): string {
  if (reason === undefined) {
    throw validationError('The request is not valid.', [{ path: 'reason', message: `is required: say why (${REASON_LENGTH.min} to ${REASON_LENGTH.max} characters)` }]);
  }
  return reason;
}
