import type { Ctx } from '../context';
import { type DomainError, forbidden, unauthorized } from '../errors';
import { type Caller, OPEN_CALLER, type Role } from './caller';
import { sessionCaller } from './sessions';

export interface AuthenticateInput {
  authorization: string | undefined;
  /** The console's session cookie, if any. */
  sessionToken: string | undefined;
  sourceIp: string | undefined;
  correlationId: string;
  /** What is being called, for the audit log. */
  target: string;
  /**
   * Whether nobody needs to sign in: REST routes are open while `API_KEYS` is
   * unset, the console while `ADMIN_PASSWORD` is unset (development only;
   * production refuses to start without them).
   */
  open: boolean;
}

/**
 * Who is calling, and may they? A `Bearer` API key or a console session
 * holds a role alike (DESIGN.md "Access"): 401 without a valid one, 403 when
 * the role is not among `roles`. Failures go to the audit log, which feeds
 * the "authentication failures" alert.
 */
export async function authenticate({ ctx, input, roles }: { ctx: Ctx; input: AuthenticateInput; roles: readonly Role[] }): Promise<Caller> {
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
  let caller: Caller | null = null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(input.authorization ?? '')?.[1];
  if (input.authorization !== undefined && ctx.apiKeys.enabled) {
    caller = bearer ? ctx.apiKeys.match(bearer) : null;
    if (!caller) return fail(unauthorized('Authentication failed', 'Invalid or missing authentication key.'), 'unknown');
  } else if (input.sessionToken) {
    caller = await sessionCaller(ctx, input.sessionToken);
    if (!caller && !input.open) return fail(unauthorized('Authentication failed', 'The session has expired; sign in again.'), 'unknown');
  }
  if (!caller) {
    if (input.open) return OPEN_CALLER;
    return fail(unauthorized('Authentication failed', 'Invalid or missing authentication key: send Authorization: Bearer <API key>.'), 'unknown');
  }
  if (!roles.includes(caller.role)) {
    return fail(forbidden(`"${caller.name}" has role ${caller.role}; this needs ${roles.join(' or ')}.`), caller.name);
  }
  return caller;
}
