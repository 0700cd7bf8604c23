import { type AugmentedRequest, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { loginAnswerSchema, loginInputSchema, sessionViewSchema } from '../../contracts/auth';
import { describeSession } from '../../domain/auth/describe-session';
import { signIn, signOut } from '../../domain/auth/sign-in';
import { DomainError } from '../../domain/errors';
import { DatabaseRateLimitStore } from '../database-rate-limit-store';
import { ok, okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../session-cookie';

const session = { name: 'Set-Cookie', description: 'The httpOnly session cookie (ofs_session).' };

export const authRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/auth/login',
    operationId: 'signIn',
    tag: 'console',
    summary: 'Console sign-in (sets an httpOnly session cookie)',
    verb: signIn,
    // Guessing passwords is slow work: 10 attempts a minute per address (req.ip: TRUST_PROXY decides
    // whose), counted in the database so that every process counts against the same 10.
    before: (ctx) => [
      rateLimit({
        windowMs: 60_000,
        limit: 10,
        standardHeaders: 'draft-7',
        legacyHeaders: false,
        store: new DatabaseRateLimitStore({ db: ctx.db, prefix: 'login', now: ctx.now, logger: ctx.logger }),
        handler: (req, _res, next) => {
          // The window may have begun in another process: the wait is what is left of it.
          const resetAt = (req as AugmentedRequest).rateLimit?.resetTime?.getTime() ?? ctx.now() + 60_000;
          const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - ctx.now()) / 1000));
          next(
            new DomainError('RateLimited', 'Too Many Requests', `Too many sign-in attempts from this address; try again in ${retryAfterSeconds} s.`, {
              retryAfterSeconds,
            }),
          );
        },
      }),
    ],
    body: { reader: 'json', schema: loginInputSchema },
    responses: { 200: okBody(loginAnswerSchema) },
    errors: [401, 429],
    answer: (s, { ctx, res }) => {
      setSessionCookie(ctx, res, s.token, s.expiresAt);
      return ok({ user: s.user, expires_at: s.expiresAt.toISOString() });
    },
    responseHeaders: [session],
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/logout',
    operationId: 'signOut',
    tag: 'console',
    summary: 'Console sign-out',
    verb: signOut,
    // Else any page could sign the operator out.
    cookieWrite: true,
    input: ({ req }) => ({ token: sessionTokenOf(req) }),
    responses: { 200: okBody(z.object({})) },
    answer: (_r, { ctx, res }) => {
      clearSessionCookie(ctx, res);
      return ok({});
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/auth/session',
    operationId: 'getSession',
    tag: 'console',
    summary: 'Who is signed in, and whether the console is open',
    verb: describeSession,
    responses: { 200: okBody(sessionViewSchema) },
    answer: (r) => ok(r),
  }),
];
