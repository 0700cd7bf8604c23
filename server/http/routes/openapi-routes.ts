import { z } from 'zod';
import { defineVerb } from '../../domain/access/define-verb';
import { defineRoute } from '../rest/route';

/** The document itself is built from the declarations once, at start-up (create-app.ts). */
export const openApiRoute = (document: () => Record<string, unknown>) =>
  defineRoute({
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'system',
    summary: 'This document (OpenAPI 3.1)',
    verb: defineVerb({ action: 'openapi.get', access: 'public', run: (): Record<string, unknown> => document() }),
    responses: { 200: z.record(z.string(), z.unknown()) },
    answer: (d: Record<string, unknown>) => ({ status: 200, body: d }),
  });
