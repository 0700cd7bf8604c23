import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { loginInputSchema } from '../../contracts/auth';
import { OPEN_CALLER } from '../../domain/auth/caller';
import { describeSession } from '../../domain/auth/describe-session';
import { login, logout, sessionCaller } from '../../domain/auth/sessions';
import type { Ctx } from '../../domain/context';
import { DomainError } from '../../domain/errors';
import { parseInput } from '../../domain/shared/parse-input';
import { correlationIdOf } from '../authorize';
import { crossSiteRefusal, isCrossSiteWrite } from '../cross-site-write';
import { jsonBody } from '../json-body';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../session-cookie';

export function authRoutes(ctx: Ctx): Router {
  const router = Router();
  const publicHost = new URL(ctx.config.baseUrl).host;

  router.post(
    '/api/auth/login',
    // Guessing passwords is slow work: 10 attempts a minute per address.
    rateLimit({
      windowMs: 60_000,
      limit: 10,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (_req, _res, next) =>
        next(new DomainError('RateLimited', 'Too Many Requests', 'Too many sign-in attempts; wait a minute.', { retryAfterSeconds: 60 })),
    }),
    jsonBody,
    async (req, res) => {
      const input = parseInput(loginInputSchema, req.body, 'The sign-in');
      const session = await login({ ctx, input: { ...input, sourceIp: req.ip, correlationId: correlationIdOf(res) } });
      setSessionCookie(ctx, res, session.token, session.expiresAt);
      res.json({ success: true, user: session.user, expires_at: session.expiresAt.toISOString() });
    },
  );

  router.post('/api/auth/logout', async (req, res) => {
    const token = sessionTokenOf(req);
    // Else any page could sign the operator out.
    if (token && isCrossSiteWrite(req, publicHost)) throw crossSiteRefusal();
    if (token) await logout({ ctx, input: { token } });
    clearSessionCookie(ctx, res);
    res.json({ success: true });
  });

  router.get('/api/auth/session', async (req, res) => {
    const token = sessionTokenOf(req);
    const caller = (token ? await sessionCaller(ctx, token) : null) ?? (ctx.config.admin.password ? null : OPEN_CALLER);
    res.json({ success: true, ...describeSession({ ctx, input: { caller } }) });
  });

  return router;
}
