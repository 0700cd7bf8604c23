import type { RouteDeclaration } from '../rest/route';
import { buildOpenApiDocument, type Openness } from '../openapi/openapi-document';
import { alertRoutes } from './alert-routes';
import { authRoutes } from './auth-routes';
import { diagnosticsRoutes } from './diagnostics-routes';
import { forceSyncRoutes } from './force-sync-routes';
import { healthRoutes } from './health-routes';
import { metricsRoutes } from './metrics-routes';
import { opalToolRoutes } from './opal-tool-routes';
import { openApiRoute } from './openapi-routes';
import { replayRoutes } from './replay-routes';
import { webhookRoutes } from './webhook-routes';

/** Every REST route but the document's own, in mount order: the webhook receiver first (the hot path). */
export const REST_ROUTES: RouteDeclaration[] = [
  ...webhookRoutes,
  ...healthRoutes,
  ...authRoutes,
  ...forceSyncRoutes,
  ...opalToolRoutes,
  ...diagnosticsRoutes,
  ...replayRoutes,
  ...alertRoutes,
  ...metricsRoutes,
];

/** The routes with the OpenAPI document's own, and the document they describe. */
export function documentedRoutes(opts: { baseUrl: string; version: string; open: Openness }) {
  const all = [...REST_ROUTES, openApiRoute(() => document)];
  const document = buildOpenApiDocument({ routes: all, ...opts });
  return { routes: all, document };
}
