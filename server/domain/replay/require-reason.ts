import { validationError } from '../errors';

/**
 * A replay or cleanup that changes data needs its reason. Transports fill it
 * in first (REST in development: "none given"); this is the verb's own check,
 * so that no transport can forget it.
 */
export function requireReason(reason: string | undefined): string {
  if (reason === undefined) throw validationError('The request is not valid.', [{ path: 'reason', message: 'is required: say why' }]);
  return reason;
}
