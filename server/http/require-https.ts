import type { RequestHandler } from 'express';
import type { Ctx } from '../domain/context';
import { forbidden } from '../domain/errors';
import { sendError } from './error-handler';

// Load balancers probe health inside the network, over plain http.
const PLAIN_HTTP_ALLOWED = new Set(['/api/health', '/api/health/']);
const HOST_NAME = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/i;

/**
 * Production answers only over https. Behind a proxy, `req.secure` follows
 * `X-Forwarded-Proto` only when `TRUST_PROXY` trusts that proxy, so a client
 * cannot claim https by sending the header itself. A plain GET/HEAD is
 * redirected to its https URL; anything else is refused before its body is
 * read, so nothing it carries (a password, a key) is acted on.
 */
export function requireHttps(ctx: Ctx): RequestHandler {
  if (!ctx.config.isProduction) return (_req, _res, next) => next();
  const fallbackHost = new URL(ctx.config.baseUrl).host;
  return (req, res, next) => {
    if (req.secure || PLAIN_HTTP_ALLOWED.has(req.path.toLowerCase())) return next();
    if (req.method === 'GET' || req.method === 'HEAD') {
      // The Host a client sent is only echoed back to that client; anything odd goes to BASE_URL's host.
      const host = HOST_NAME.test(req.hostname ?? '') ? req.hostname : fallbackHost;
      const path = req.originalUrl.startsWith('/') ? req.originalUrl : '/';
      res.redirect(301, `https://${host}${path}`);
      return;
    }
    sendError(res, forbidden('HTTPS is required: send this request over https.'));
  };
}
