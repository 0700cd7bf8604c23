import type { Request, RequestHandler, Response } from 'express';
import type { Caller, Role } from '../domain/auth/caller';
import { authenticate } from '../domain/auth/authenticate';
import type { Ctx } from '../domain/context';
import { crossSiteRefusal, isCrossSiteWrite } from './cross-site-write';
import { sessionTokenOf } from './session-cookie';

export const CLIENT_ROLES: readonly Role[] = ['client', 'operator', 'admin'];
export const READ_ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
export const OPERATOR_ROLES: readonly Role[] = ['operator', 'admin'];
export const ADMIN_ROLES: readonly Role[] = ['admin'];

/** Requires one of `roles` (DESIGN.md "Access"); the caller is put on res.locals. Open while API_KEYS is unset. */
export function requireRoles(ctx: Ctx, roles: readonly Role[]): RequestHandler {
  const publicHost = new URL(ctx.config.baseUrl).host;
  return async (req, res, next) => {
    const sessionToken = sessionTokenOf(req);
    // The cookie is what authenticates unless an API key is sent (authenticate's order).
    const byCookie = sessionToken && !(req.headers.authorization !== undefined && ctx.apiKeys.enabled);
    if (byCookie && isCrossSiteWrite(req, publicHost)) throw crossSiteRefusal();
    res.locals.caller = await authenticate({
      ctx,
      roles,
      input: {
        authorization: req.headers.authorization,
        sessionToken,
        sourceIp: req.ip,
        correlationId: res.locals.correlationId as string,
        target: `${req.method} ${req.baseUrl}${req.path}`,
        open: !ctx.apiKeys.enabled,
      },
    });
    next();
  };
}

export const callerOf = (res: Response): Caller => res.locals.caller as Caller;
export const correlationIdOf = (res: Response): string => res.locals.correlationId as string;
export const idempotencyKeyOf = (req: Request): string | undefined => {
  const v = req.headers['idempotency-key'];
  return typeof v === 'string' ? v : undefined;
};
