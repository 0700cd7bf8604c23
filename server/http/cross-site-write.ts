import type { Request } from 'express';
import { forbidden } from '../domain/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A cookie travels with the requests a page on another origin makes the
 * browser send — a form post, a fetch that needs no preflight — and
 * SameSite=Strict does not stop a sibling subdomain. So a write that the
 * console's cookie authenticates must come from this origin, as JSON (no
 * form can send JSON; a cross-origin JSON fetch needs a preflight that CORS
 * does not grant). `publicHost` is BASE_URL's host: behind a proxy that
 * rewrites Host, the console's own Origin matches it rather than Host.
 */
export function isCrossSiteWrite(req: Request, publicHost: string): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  const sameOrigin = site === undefined || site === 'same-origin' || site === 'none';
  // An Origin that is not a URL ("null" from a sandboxed frame) is not this origin.
  const originOk =
    origin === undefined || (URL.canParse(origin) && [req.headers.host, publicHost].includes(new URL(origin).host));
  const json = /^application\/json/i.test(req.headers['content-type'] ?? '');
  return !(sameOrigin && originOk && json);
}

export const crossSiteRefusal = () => forbidden('Cross-site requests may not change anything.');
