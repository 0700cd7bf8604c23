import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { Request, RequestHandler, Response } from 'express';
import { authorize } from '../domain/access/define-verb';
import { identifyCaller } from '../domain/access/identify-caller';
import { forRequest } from '../domain/access/request-context';
import type { Ctx } from '../domain/context';
import { watchChanges } from '../domain/live/watch-changes';
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
  // The tRPC side's per-request context; the console is open while ADMIN_PASSWORD is unset.
  const contextOf = (req: Request, res: Response): TrpcContext =>
    forRequest(ctx, {
      correlationId: res.locals.correlationId as string,
      sourceIp: req.ip,
      target: `trpc ${req.path.replace(/^\//, '')}`,
      identify: () => identifyCaller(ctx, { authorization: req.headers.authorization, sessionToken: sessionTokenOf(req), open: !ctx.config.admin.password }),
    });
  // tRPC answers a refused subscription with 200 and an error event; the live stream is refused
  // as every other request is, with a 401 or 403 before any stream starts.
  const streamGuard: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' || !req.path.startsWith('/live.')) return next();
    authorize(contextOf(req, res), watchChanges).then(() => next(), next);
  };
  const handler = createExpressMiddleware({
    router: appRouter,
    // The REST routes' JSON limit: a larger body is a 413, not read whole.
    maxBodySize: 100 * 1024,
    createContext: ({ req, res }) => contextOf(req, res),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') ctx.logger.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
    },
  });
  return [csrfGuard, streamGuard, handler];
}
