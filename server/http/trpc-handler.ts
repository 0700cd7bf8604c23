import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { RequestHandler } from 'express';
import { OPEN_CALLER } from '../domain/auth/caller';
import { sessionCaller } from '../domain/auth/sessions';
import type { Ctx } from '../domain/context';
import { appRouter } from '../trpc/app-router';
import type { TrpcContext } from '../trpc/trpc';
import { crossSiteRefusal, isCrossSiteWrite } from './cross-site-write';
import { sessionTokenOf } from './session-cookie';

/**
 * `/trpc`: the console's API. The caller is an API key (Bearer) or the
 * session cookie; with no ADMIN_PASSWORD (development) the console is open.
 */
export function trpcHandler(ctx: Ctx): RequestHandler[] {
  const publicHost = new URL(ctx.config.baseUrl).host;
  const csrfGuard: RequestHandler = (req, _res, next) => {
    if (req.method === 'POST' && sessionTokenOf(req) && isCrossSiteWrite(req, publicHost)) next(crossSiteRefusal());
    else next();
  };
  const handler = createExpressMiddleware({
    router: appRouter,
    // The REST routes' JSON limit: a larger body is a 413, not read whole.
    maxBodySize: 100 * 1024,
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
