import type { Ctx } from '../context';
import { OPEN_CALLER } from '../auth/caller';
import { sessionCaller } from '../auth/sessions';
import type { Identity } from './request-context';

/** The token of an `Authorization: Bearer <token>` header; the one place it is parsed. */
export const bearerTokenOf = (authorization: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];

/**
 * Who the credentials of a request stand for. An API key (`Authorization:
 * Bearer`) wins over the session cookie; an Authorization header that matches
 * no key is a failure, never a fall-back to the cookie. `open` is whether
 * nobody needs to sign in (development: REST while API_KEYS is unset, the
 * console while ADMIN_PASSWORD is unset; production refuses to start so).
 */
export async function identifyCaller(
  ctx: Ctx,
  input: { authorization: string | undefined; sessionToken: string | undefined; open: boolean },
): Promise<Identity> {
  if (input.authorization !== undefined && ctx.apiKeys.enabled) {
    const token = bearerTokenOf(input.authorization);
    const actor = token ? ctx.apiKeys.match(token) : null;
    return actor ? { actor } : { actor: null, problem: 'Invalid or missing authentication key.' };
  }
  if (input.sessionToken) {
    const actor = await sessionCaller(ctx, input.sessionToken);
    if (actor) return { actor };
    if (!input.open) return { actor: null, problem: 'The session has expired; sign in again.' };
  }
  if (input.open) return { actor: OPEN_CALLER };
  return { actor: null, problem: 'Invalid or missing authentication key: send Authorization: Bearer <API key>, or sign in.' };
}
