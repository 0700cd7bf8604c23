import type { Role } from '../contracts/roles';
import { documentedRoutes } from '../http/routes/rest-routes';
import type { RouteDeclaration } from '../http/rest/route';

/** A flat view of the route declarations for the tests that walk every route (fuzz, leaks, the role matrix). */
export interface RestRoute {
  method: 'GET' | 'POST';
  path: string;
  operationId: string;
  body?: RouteDeclaration['body'] extends infer B ? (B extends { schema: infer S } ? S : never) : never;
  query?: RouteDeclaration['query'];
  /** The verb's roles; undefined when it is public. */
  roles?: readonly Role[];
  security?: Record<string, string[]>[];
  declaration: RouteDeclaration;
}

export const REST_ROUTES: RestRoute[] = documentedRoutes({ baseUrl: 'http://localhost:3000', version: 'test', open: { apiKeys: false, toolToken: false } }).routes.map((r) => ({
  method: r.method.toUpperCase() as 'GET' | 'POST',
  path: r.path,
  operationId: r.operationId,
  ...(r.body ? { body: r.body.schema } : {}),
  ...(r.query ? { query: r.query } : {}),
  ...(r.verb.access !== 'public' ? { roles: r.verb.access } : {}),
  ...(r.security ? { security: r.security } : {}),
  declaration: r,
}));
