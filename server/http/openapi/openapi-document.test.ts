import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  return found.filter((r) => r.includes(' /api/'));
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
