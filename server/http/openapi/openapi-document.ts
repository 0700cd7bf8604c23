import { z } from 'zod';
import { ERROR_MAP } from '../../domain/error-map';
import { type RestRoute, REST_ROUTES } from './rest-routes';

const schemaOf = (s: z.ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _drop, ...json } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
};

const errorBody = {
  type: 'object',
  required: ['success', 'error', 'message', 'correlation_id'],
  properties: {
    success: { const: false },
    error: { type: 'string', description: 'A short title, e.g. "Validation Error".' },
    message: { type: 'string' },
    correlation_id: { type: 'string' },
    details: { type: 'object', description: 'e.g. field_errors: [{ path, message }]' },
  },
};

const STATUS_TEXT: Record<number, string> = Object.fromEntries(
  Object.entries(ERROR_MAP).map(([kind, { status }]) => [status, kind]),
);

function operation(r: RestRoute) {
  const parameters = [
    ...(r.pathParams ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(r.query
      ? Object.entries((schemaOf(r.query).properties as Record<string, unknown>) ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        }))
      : []),
    ...(r.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } })),
  ];
  return {
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: [r.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body) } } } } : {}),
    ...(r.roles ? { security: [{ bearer: [] }, { session: [] }], 'x-roles': r.roles } : r.security ? { security: r.security } : { security: [] }),
    responses: Object.fromEntries(
      r.responses.map((status) => [
        String(status),
        status < 400
          ? { description: r.okDescription ?? 'OK', content: { 'application/json': { schema: { type: 'object', properties: { success: { const: true } } } } } }
          : { description: STATUS_TEXT[status] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      ]),
    ),
  };
}

/** OpenAPI 3.1 for every REST route, generated from the zod contracts the routes validate with. */
export function buildOpenApiDocument(opts: { baseUrl: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of REST_ROUTES) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'OPAL Force Sync',
      version: opts.version,
      description:
        "Trigger Opal's strategy_workflow, receive its signed callbacks exactly once, and operate the loop. In production, protected routes need `Authorization: Bearer <API key>` with the role named in `x-roles`.",
    },
    servers: [{ url: opts.baseUrl }],
    paths,
    components: {
      schemas: { Error: errorBody },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key from API_KEYS (name:role:key).' },
        session: { type: 'apiKey', in: 'cookie', name: 'ofs_session', description: 'A console session.' },
        osaSignature: { type: 'apiKey', in: 'header', name: 'X-OSA-Signature', description: 't=<unix ms>,v1=<hex HMAC-SHA256 of t + raw body>' },
        standardWebhooks: { type: 'apiKey', in: 'header', name: 'webhook-signature', description: 'Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature' },
        toolToken: { type: 'http', scheme: 'bearer', description: 'OPAL_TOOL_TOKEN' },
      },
    },
  };
}
