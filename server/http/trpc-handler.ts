import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { RequestHandler } from 'express';
import { OPEN_CALLER } from '../domain/auth/caller';
import { sessionCaller } from '../domain/auth/sessions';
import type { Ctx } from '../domain/context';
import { forbidden } from '../domain/errors';
import { appRouter } from '../trpc/app-router';
import type { TrpcContext } from '../trpc/trpc';
import { sessionTokenOf } from './session-cookie';

/**
 * `/trpc`: the console's API. The caller is an API key (Bearer) or the
 * session cookie; with no ADMIN_PASSWORD (development) the console is open.
 */
export function trpcHandler(ctx: Ctx): RequestHandler[] {
  // A cookie travels with cross-site requests the browser makes on its own;
  // a state-changing call must come from this origin, as JSON.
  const csrfGuard: RequestHandler = (req, _res, next) => {
    if (req.method !== 'POST' || !sessionTokenOf(req)) return next();
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    const sameOrigin = site === undefined || site === 'same-origin' || site === 'none';
    const originOk = origin === undefined || new URL(origin).host === req.headers.host;
    const json = /^application\/json/i.test(req.headers['content-type'] ?? '');
    if (sameOrigin && originOk && json) return next();
    next(forbidden('Cross-site requests may not change anything.'));
  };
  const handler = createExpressMiddleware({
    router: appRouter,
    createContext: async ({ req, res }): Promise<TrpcContext> => {
      const correlationId = res.locals.correlationId as string;
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = sessionTokenOf(req);
      const caller =
        (bearer && ctx.apiKeys.enabled ? ctx.apiKeys.match(bearer) : null) ??
        (token ? await sessionCaller(ctx, token) : null) ??
        (ctx.config.admin.password ? null : OPEN_CALLER);
      return { ctx, caller, correlationId, sourceIp: req.ip };
    },
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') ctx.logger.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
    },
  });
  return [csrfGuard, handler];
}
