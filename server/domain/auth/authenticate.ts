import type { Ctx } from '../context';
import { DomainError, forbidden, unauthorized } from '../errors';
import { type Caller, OPEN_CALLER, type Role } from './caller';

export interface AuthenticateInput {
  authorization: string | undefined;
  sourceIp: string | undefined;
  correlationId: string;
  /** What the route is, for the audit log. */
  target: string;
}

/**
 * Who is calling, and may they? With `API_KEYS` unset (development) every
 * route is open. Otherwise a `Bearer` key is required (401 without a valid
 * one) with one of `roles` (403 with a weaker one). Failures go to the audit
 * log, which feeds the "authentication failures" alert.
 */
export function authenticate({ ctx, input, roles }: { ctx: Ctx; input: AuthenticateInput; roles: readonly Role[] }): Caller {
  if (!ctx.apiKeys.enabled) return OPEN_CALLER;
  const fail = (e: DomainError, actor: string): never => {
    ctx.audit.record({
      actor,
      action: e.kind === 'Forbidden' ? 'auth.forbidden' : 'auth.failed',
      outcome: 'failure',
      target: input.target,
      details: { reason: e.message },
      sourceIp: input.sourceIp,
      correlationId: input.correlationId,
    });
    throw e;
  };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(input.authorization ?? '');
  if (!match) {
    return fail(unauthorized('Authentication failed', 'Invalid or missing authentication key: send Authorization: Bearer <API key>.'), 'unknown');
  }
  const caller = ctx.apiKeys.match(match[1]!);
  if (!caller) return fail(unauthorized('Authentication failed', 'Invalid or missing authentication key.'), 'unknown');
  if (!roles.includes(caller.role)) {
    return fail(forbidden(`The key "${caller.name}" has role ${caller.role}; this route needs ${roles.join(' or ')}.`), caller.name);
  }
  return caller;
}
