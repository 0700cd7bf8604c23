import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { RequestHandler } from 'express';
import { identifyCaller } from '../domain/access/identify-caller';
import { forRequest } from '../domain/access/request-context';
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
    // The tRPC side's per-request context; the console is open while ADMIN_PASSWORD is unset.
    createContext: ({ req, res }): TrpcContext =>
      forRequest(ctx, {
        correlationId: res.locals.correlationId as string,
        sourceIp: req.ip,
        target: `trpc ${req.path.replace(/^\//, '')}`,
        identify: () => identifyCaller(ctx, { authorization: req.headers.authorization, sessionToken: sessionTokenOf(req), open: !ctx.config.admin.password }),
      }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') ctx.logger.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
    },
  });
  return [csrfGuard, handler];
}
