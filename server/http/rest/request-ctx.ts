import type { Request, Response } from 'express';
import { identifyCaller } from '../../domain/access/identify-caller';
import { forRequest, type RequestCtx } from '../../domain/access/request-context';
import type { Ctx } from '../../domain/context';
import { sessionTokenOf } from '../session-cookie';

/** The REST side's per-request context, built once per request; REST is open while API_KEYS is unset. */
export function restRequestCtx(ctx: Ctx, req: Request, res: Response, target: string): RequestCtx {
  return forRequest(ctx, {
    correlationId: res.locals.correlationId as string,
    sourceIp: req.ip,
    target,
    identify: () => identifyCaller(ctx, { authorization: req.headers.authorization, sessionToken: sessionTokenOf(req), open: !ctx.apiKeys.enabled }),
  });
}

/** Whether a session cookie, not an API key, is what authenticates this request (identifyCaller's order). */
export const authenticatedByCookie = (ctx: Ctx, req: Request): boolean =>
  sessionTokenOf(req) !== undefined && !(req.headers.authorization !== undefined && ctx.apiKeys.enabled);
