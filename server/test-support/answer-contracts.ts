import { z } from 'zod';
import { errorBodySchema } from '../contracts/error-body';
import { type RouteDeclaration, statusesOf } from '../http/rest/route';
import { documentedRoutes } from '../http/routes/rest-routes';

const routes = documentedRoutes({ baseUrl: 'http://localhost', version: 'test', open: { apiKeys: true, toolToken: true } }).routes.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/:(\w+)/g, '[^/]+')}$`),
}));

const routeOf = (method: string, path: string): RouteDeclaration | undefined =>
  routes.find((r) => r.route.method === method.toLowerCase() && r.pattern.test(path))?.route;

/**
 * Holds one answer to its route's declared contract: the status must be one
 * the route declares, and the body must parse (strictly: an unknown field
 * fails) through that status's contract, or DESIGN.md's error body. Returns
 * what is wrong, or null. Paths no declaration names (tRPC, the console,
 * unknown /api paths) are not REST answers: null.
 */
export function contractViolation(method: string, url: string, status: number, contentType: string | null, text: string): string | null {
  const { pathname } = new URL(url);
  const route = routeOf(method, pathname);
  // A redirect (production's https upgrade) carries no answer of the route's.
  if (!route || method === 'HEAD' || (status >= 300 && status < 400)) return null;
  const label = `${method} ${route.path} → ${status}`;
  const { success, errors } = statusesOf(route);
  if (![...success, ...errors].includes(status as never)) return `${label}: the route does not declare this status`;
  const schema = route.responses[status as keyof typeof route.responses] ?? (status >= 400 ? errorBodySchema : undefined);
  if (!schema) return `${label}: no contract`;
  if (schema instanceof z.ZodString) return null;
  if (!/json/i.test(contentType ?? '')) return `${label}: not JSON (${contentType})`;
  const parsed = schema.safeParse(JSON.parse(text));
  return parsed.success ? null : `${label}: ${z.prettifyError(parsed.error)}`;
}
