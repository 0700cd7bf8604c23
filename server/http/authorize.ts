import type { Request, RequestHandler, Response } from 'express';
import type { Caller, Role } from '../domain/auth/caller';
import { authenticate } from '../domain/auth/authenticate';
import type { Ctx } from '../domain/context';

export const CLIENT_ROLES: readonly Role[] = ['client', 'operator', 'admin'];
export const READ_ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
export const OPERATOR_ROLES: readonly Role[] = ['operator', 'admin'];
export const ADMIN_ROLES: readonly Role[] = ['admin'];

/** Requires one of `roles` (DESIGN.md "Access"); the caller is put on res.locals. */
export function requireRoles(ctx: Ctx, roles: readonly Role[]): RequestHandler {
  return (req, res, next) => {
    res.locals.caller = authenticate({
      ctx,
      roles,
      input: {
        authorization: req.headers.authorization,
        sourceIp: req.ip,
        correlationId: res.locals.correlationId as string,
        target: `${req.method} ${req.baseUrl}${req.path}`,
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
