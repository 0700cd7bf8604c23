import type { RequestHandler } from 'express';
import type { Ctx } from '../domain/context';
import { forbidden } from '../domain/errors';
import { sendError } from './error-handler';
import { PROBE_PATHS } from './probe-paths';

// Load balancers and kubelets probe health inside the network, over plain http. Prometheus
// scrapes each process on its own address, behind no TLS proxy: /metrics too (it still needs a
// viewer key, which then crosses the internal network in clear: give Prometheus a key of its own).
const PLAIN_HTTP_ALLOWED = new Set(['/api/health', ...PROBE_PATHS, '/metrics'].flatMap((p) => [p, `${p}/`]));

/**
 * Production answers only over https. Behind a proxy, `req.secure` follows
 * `X-Forwarded-Proto` only when `TRUST_PROXY` trusts that proxy, so a client
 * cannot claim https by sending the header itself. A plain GET/HEAD is
 * redirected to its https URL on BASE_URL's host (never a host the request
 * names: a 301 is cacheable, and one pointing at a Host header a client chose
 * could be served to others); anything else is refused before its body is
 * read, so nothing it carries (a password, a key) is acted on.
 */
export function requireHttps(ctx: Ctx): RequestHandler {
  if (!ctx.config.isProduction) return (_req, _res, next) => next();
  const publicHost = new URL(ctx.config.baseUrl).host;
  return (req, res, next) => {
    if (req.secure || PLAIN_HTTP_ALLOWED.has(req.path.toLowerCase())) return next();
    if (req.method === 'GET' || req.method === 'HEAD') {
      const path = req.originalUrl.startsWith('/') ? req.originalUrl : '/';
      res.redirect(301, `https://${publicHost}${path}`);
      return;
    }
    sendError(res, forbidden('HTTPS is required: send this request over https.'));
  };
}
