import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { redoclyLint } from '../../test-support/redocly-lint';
import { REST_ROUTES } from '../../test-support/rest-route-list';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { createApp } from '../create-app';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method + path the Express app really serves (sub-routers included). */
function servedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) found.push(`${m.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.filter((r) => r.includes(' /api/') || r.endsWith(' /metrics'));
}

describe('GET /api/openapi.json', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite');
  });
  afterAll(() => s?.stop());

  it('describes every REST route the server serves, so the document cannot drift', async () => {
    const doc = (await (await fetch(`${s.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(servedRoutes(createApp(s.ctx)).sort()).toEqual([...new Set(documented)].sort());
  });

  it('takes request schemas from the zod contracts (unknown fields refused, defaults shown)', async () => {
    const doc = (await (await fetch(`${s.url}/api/openapi.json`)).json()) as {
      paths: Record<string, { post?: { requestBody: { content: { 'application/json': { schema: { additionalProperties: boolean; properties: Record<string, { default?: unknown; enum?: string[] }> } } } } } }>;
    };
    const schema = doc.paths['/api/opal/sync']!.post!.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.sync_scope).toMatchObject({ default: 'priority_platforms', enum: ['priority_platforms', 'all_platforms', 'odp_only', 'content_platforms'] });
  });
});

describe('the OpenAPI document', () => {
  let s: TestServer;
  let doc: { paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>> };
  beforeAll(async () => {
    s = await startTestServer('pglite');
    doc = (await (await fetch(`${s.url}/api/openapi.json`)).json()) as typeof doc;
  });
  afterAll(() => s?.stop());

  it("passes Redocly's recommended lint with no error and no operation without an operationId", { timeout: 60_000 }, async () => {
    const lint = await redoclyLint(doc);
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
    console.info(`[openapi] ${operations.length} operations; Redocly: ${lint.errors} errors, ${lint.warnings} warnings ${JSON.stringify(lint.byRule)}`);
    expect(lint.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(lint.byRule['operation-operationId']).toBeUndefined();
    expect(lint.byRule['no-invalid-media-type-examples']).toBeUndefined();
    expect(operations.every((o) => typeof o.operationId === 'string')).toBe(true);
    // Every operation describes its answers, errors included.
    for (const o of operations) expect(Object.keys(o.responses).some((status) => Number(status) >= 400)).toBe(true);
  });

  it("holds every example (the runbook's among them) to its contract", () => {
    let examples = 0;
    for (const { declaration: route } of REST_ROUTES) {
      for (const e of Object.values(route.examples?.request ?? {})) {
        examples++;
        expect({ route: route.operationId, error: route.body!.schema.safeParse(e.value).error?.message }).toEqual({ route: route.operationId, error: undefined });
      }
      for (const [status, byName] of Object.entries(route.examples?.responses ?? {})) {
        const schema = (route.responses as Record<string, z.ZodType | undefined>)[status];
        for (const e of Object.values(byName ?? {})) {
          examples++;
          const parsed = (schema ?? z.looseObject({ success: z.literal(false), error: z.string(), message: z.string(), correlation_id: z.string() })).safeParse(e.value);
          expect({ route: route.operationId, status, error: parsed.error?.message }).toEqual({ route: route.operationId, status, error: undefined });
        }
      }
    }
    console.info(`[openapi] ${examples} examples checked against their contracts`);
    expect(examples).toBeGreaterThanOrEqual(9);
  });
});
