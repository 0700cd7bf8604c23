import { z } from 'zod';
import { errorBodySchema } from '../../contracts/error-body';
import { type RouteDeclaration, type Status, statusesOf } from '../rest/route';

const jsonSchemaOf = (s: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _drop, ...json } = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return json;
};

/** One reusable answer per error status: DESIGN.md's error body, with an example. */
const ERRORS: Record<number, { name: string; title: string; message: string }> = {
  400: { name: 'BadRequest', title: 'Validation Error', message: 'The request is not valid.' },
  401: { name: 'Unauthorized', title: 'Authentication failed', message: 'Invalid or missing authentication key' },
  403: { name: 'Forbidden', title: 'Forbidden', message: '"acme-app" has role client; replay.workflow needs operator or admin.' },
  404: { name: 'NotFound', title: 'Not Found', message: 'No such workflow.' },
  409: { name: 'Conflict', title: 'Duplicate Event', message: 'This event was already received and stored as 3f0c….' },
  413: { name: 'PayloadTooLarge', title: 'Payload Too Large', message: 'The body is larger than this route accepts.' },
  415: { name: 'UnsupportedMediaType', title: 'Unsupported Media Type', message: 'Send the body as application/json.' },
  422: { name: 'Unprocessable', title: 'Idempotency Key Reused', message: 'This Idempotency-Key was used with a different request body.' },
  429: { name: 'RateLimited', title: 'Too Many Requests', message: 'Too many requests; see Retry-After.' },
  500: { name: 'InternalError', title: 'Internal Server Error', message: 'An unexpected error occurred. The correlation id identifies it in the server log.' },
  502: { name: 'BadGateway', title: 'Opal Request Failed', message: 'Opal refused the request (HTTP 401).' },
  503: { name: 'Unavailable', title: 'Service Unavailable', message: 'The database is unavailable right now. Retry later.' },
};
const RETRY_AFTER = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
const CORRELATION = { 'X-Correlation-Id': { $ref: '#/components/headers/CorrelationId' } };

function errorResponses() {
  return Object.fromEntries(
    Object.entries(ERRORS).map(([status, e]) => [
      e.name,
      {
        description: e.title,
        headers: { ...CORRELATION, ...(status === '429' || status === '503' ? RETRY_AFTER : {}) },
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
            example: { success: false, error: e.title, message: e.message, correlation_id: 'req-1699123456789-1a2b3c4d' },
          },
        },
      },
    ]),
  );
}

const examplesOf = (examples: Record<string, { summary: string; value: unknown }> | undefined) =>
  examples ? { examples: Object.fromEntries(Object.entries(examples).map(([k, v]) => [k, { summary: v.summary, value: v.value }])) } : {};

function operation(route: RouteDeclaration, open: Openness) {
  const { success, errors } = statusesOf(route);
  const paramsOf = (schema: z.ZodObject | undefined, where: 'path' | 'query') => {
    if (!schema) return [];
    const json = jsonSchemaOf(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, s]) => ({
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(typeof s.description === 'string' ? { description: s.description } : {}),
      schema: s,
    }));
  };
  const parameters = [
    ...paramsOf(route.params, 'path'),
    ...paramsOf(route.query, 'query'),
    ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: h.schema ?? { type: 'string' } })),
  ];
  const roles = route.verb.access;
  // In development with API_KEYS (or OPAL_TOOL_TOKEN) unset those routes are open: the document says so, as the server behaves.
  const security =
    roles !== 'public'
      ? [...(open.apiKeys ? [{}] : []), { bearer: [] }, { session: [] }]
      : route.security
        ? [...(open.toolToken && route.security.some((s) => 'toolToken' in s) ? [{}] : []), ...route.security]
        : [];
  const ownAnswer = (status: Status) => {
    const schema = route.responses[status];
    if (!schema) return undefined;
    const text = schema instanceof z.ZodString;
    const mediaType = text ? ((schema.meta()?.contentMediaType as string | undefined) ?? 'text/plain') : 'application/json';
    return {
      description: status === 202 ? 'Accepted: stored durably' : status >= 400 ? ERRORS[status]!.title : 'OK',
      headers: { ...CORRELATION, ...(status === 503 ? RETRY_AFTER : {}), ...Object.fromEntries((route.responseHeaders ?? []).map((h) => [h.name, { description: h.description, schema: { type: 'string' } }])) },
      content: { [mediaType]: { schema: text ? { type: 'string' } : jsonSchemaOf(schema, 'output'), ...examplesOf(route.examples?.responses?.[status]) } },
    };
  };
  const responses: Record<string, unknown> = {};
  for (const status of success) responses[String(status)] = ownAnswer(status);
  for (const status of errors) {
    const examples = route.examples?.responses?.[status];
    responses[String(status)] =
      ownAnswer(status) ??
      (examples
        ? { description: ERRORS[status]!.title, headers: CORRELATION, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, ...examplesOf(examples) } } }
        : { $ref: `#/components/responses/${ERRORS[status]!.name}` });
  }
  const body = route.body;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: body.reader !== 'json-text',
            content: Object.fromEntries(
              // A form-encoded JSON text (the runbook's `curl -d`) has no form fields to describe: the JSON entry says what it holds.
              (body.contentTypes ?? ['application/json']).map((type) => [
                type,
                type === 'application/json' ? { schema: jsonSchemaOf(body.schema, 'input'), ...examplesOf(route.examples?.request) } : {},
              ]),
            ),
          },
        }
      : {}),
    security,
    ...(roles !== 'public' ? { 'x-roles': roles } : {}),
    responses,
  };
}

const TAGS: Record<string, string> = {
  'force sync': "Trigger Opal's strategy_workflow and follow it.",
  webhooks: "Opal's signed progress callbacks.",
  'opal tools': "Opal's custom-tool calls.",
  replay: 'Re-apply stored events to the projections.',
  diagnostics: 'Recent events, system health, configuration check and retention.',
  metrics: 'Success rates, latencies and volumes; Prometheus text.',
  alerts: 'Firing alerts and their history.',
  console: "The browser console's sign-in.",
  system: 'Health and this document.',
};

/**
 * OpenAPI 3.1, generated from the route declarations: every operation with
 * its operationId, every answer with its contract, every error status with
 * DESIGN.md's error body. `open`: the server runs with API_KEYS unset, so the
 * protected routes also take no credentials.
 */
/** Which credentials this server, as configured, does not ask for. */
export interface Openness {
  apiKeys: boolean;
  toolToken: boolean;
}

export function buildOpenApiDocument(opts: { routes: RouteDeclaration[]; baseUrl: string; version: string; open: Openness }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of opts.routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method] = operation(route, opts.open);
  }
  const used = new Set(opts.routes.map((r) => r.tag));
  return {
    openapi: '3.1.0',
    // Validators (Prism's Ajv) read the schemas as draft 2020-12, as zod writes them.
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'OPAL Force Sync',
      version: opts.version,
      description:
        "Trigger Opal's strategy_workflow, receive its signed callbacks exactly once, and operate the loop. In production, protected routes need `Authorization: Bearer <API key>` with a role named in the operation's `x-roles`. Every operation also takes `X-Correlation-Id` (printable, at most 128 characters; echoed on the answer) and W3C trace context (`traceparent`, `tracestate`), which the server continues in its logs and on its call to Opal.",
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: opts.baseUrl }],
    tags: Object.entries(TAGS)
      .filter(([name]) => used.has(name))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(errorBodySchema, 'output') },
      responses: errorResponses(),
      headers: {
        CorrelationId: { description: 'The request\'s correlation id (kept from the request when acceptable).', schema: { type: 'string' } },
        RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
      },
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
