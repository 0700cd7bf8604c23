import { type Request, type RequestHandler, type Response, Router } from 'express';
import { authorize } from '../../domain/access/define-verb';
import type { RequestCtx } from '../../domain/access/request-context';
import type { Ctx } from '../../domain/context';
import { parseInput } from '../../domain/shared/parse-input';
import { crossSiteRefusal, isCrossSiteWrite } from '../cross-site-write';
import { readBody } from './read-body';
import { authenticatedByCookie, restRequestCtx } from './request-ctx';
import type { Parts, RouteDeclaration } from './route';

const ctxOf = (res: Response): RequestCtx => res.locals.requestCtx as RequestCtx;

/**
 * Express, from the declarations. In order: the per-request context; a
 * cookie-authenticated write must be same-site; the verb's roles, checked
 * before the body is read (the verb checks them again, through the same
 * helper, so nothing can call it unchecked); the route's own guards; the
 * body; the contracts; the verb; the typed answer.
 */
export function mountRoutes(ctx: Ctx, routes: RouteDeclaration[]): Router {
  const router = Router();
  const publicHost = new URL(ctx.config.baseUrl).host;
  for (const route of routes) {
    const target = `${route.method.toUpperCase()} ${route.path}`;
    const gated = route.verb.access !== 'public';
    const begin: RequestHandler = (req, res, next) => {
      res.locals.requestCtx = restRequestCtx(ctx, req, res, target);
      if (route.method === 'post' && (gated || route.cookieWrite) && authenticatedByCookie(ctx, req) && isCrossSiteWrite(req, publicHost)) {
        throw crossSiteRefusal();
      }
      if (!gated) return next();
      authorize(ctxOf(res), route.verb).then(() => next(), next);
    };
    const run: RequestHandler = async (req: Request, res: Response) => {
      const requestCtx = ctxOf(res);
      const parts: Parts & { ctx: RequestCtx } = {
        params: route.params ? (parseInput(route.params, req.params, 'The path') as Record<string, string>) : (req.params as Record<string, string>),
        query: route.query ? parseInput(route.query, req.query, 'The query') : req.query,
        body: route.body && route.body.reader !== 'raw' && !route.body.validatedByVerb ? parseInput(route.body.schema, req.body, 'The request') : req.body,
        req,
        res,
        ctx: requestCtx,
      };
      const input = route.input ? route.input(parts) : route.body ? parts.body : parts.query;
      const result = await route.verb({ ctx: requestCtx, input });
      const answer = route.answer(result, parts);
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      res.status(answer.status);
      if (typeof answer.body === 'string') res.send(answer.body);
      else res.json(answer.body);
    };
    const reader = route.body ? [route.body.read?.(ctx) ?? readBody(route.body.reader, route.body.limit)] : [];
    const handlers = [begin, ...(route.before?.(ctx) ?? []), ...reader, run];
    router[route.method](route.path, ...handlers);
  }
  return router;
}
