import cors from 'cors';
import type { RequestHandler, Response } from 'express';
import type { Ctx } from '../domain/context';
import { SEND_WORKFLOW_EVENT_PATH } from '../domain/opal-tools/tool-registry';

/** What our API reads from a request (the tRPC client adds `trpc-accept`). */
export const CORS_ALLOWED_HEADERS = ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Correlation-Id', 'trpc-accept'];
/** What a browser client may read from an answer besides the CORS-safelisted headers. */
export const CORS_EXPOSED_HEADERS = ['X-Correlation-Id', 'Retry-After', 'Idempotent-Replayed'];

// Opal and its relays call these server to server: a browser has no business
// there, so they stay closed whatever CORS_ORIGINS says.
const SERVER_TO_SERVER = ['/api/webhooks/', '/api/opal/discovery', SEND_WORKFLOW_EVENT_PATH];

/**
 * `CORS_ORIGINS`: closed by default (same origin only). With origins
 * configured, exactly those may call the API from a browser, with
 * credentials. A foreign origin gets no CORS header at all, also on a
 * preflight, so the browser refuses the call before it is sent.
 */
export function corsPolicy(ctx: Ctx): RequestHandler {
  const allowed = new Set(ctx.config.corsOrigins);
  if (allowed.size === 0) return (_req, _res, next) => next();

  const withCors = cors({
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: true,
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  });
  return (req, res, next) => {
    // Routing ignores case, so this does too.
    const path = req.path.toLowerCase();
    if (SERVER_TO_SERVER.some((p) => path.startsWith(p))) return next();
    // The answer depends on Origin: a shared cache must not hand one origin's answer to another.
    keepVaryOrigin(res);
    withCors(req, res, next);
  };
}

/** tRPC sets `Vary` outright (trpc-accept, accept), which would drop Origin; merge it back in whoever sets it. */
function keepVaryOrigin(res: Response): void {
  res.vary('Origin');
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => {
    if (name.toLowerCase() !== 'vary') return setHeader(name, value);
    const names = (Array.isArray(value) ? value.join(',') : String(value)).split(',').map((v) => v.trim()).filter(Boolean);
    return setHeader(name, names.some((v) => v === '*' || v.toLowerCase() === 'origin') ? names.join(', ') : [...names, 'Origin'].join(', '));
  };
}
