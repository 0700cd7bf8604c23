import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseViolations, type PrismProxy, startPrismProxy } from './prism-proxy';

const itemSchema = {
  type: 'object',
  required: ['success', 'id'],
  additionalProperties: false,
  properties: { success: { const: true }, id: { type: 'string' } },
};

/** Two routes that promise the same body: the upstream keeps the promise on one only. */
const document = {
  openapi: '3.1.0',
  info: { title: 'harness check', version: '1' },
  paths: {
    '/good': { get: { summary: 'kept', responses: { '200': { description: 'ok', content: { 'application/json': { schema: itemSchema } } } } } },
    '/bad': { get: { summary: 'broken', responses: { '200': { description: 'ok', content: { 'application/json': { schema: itemSchema } } } } } },
  },
};

describe('startPrismProxy', () => {
  let upstream: Server;
  let prism: PrismProxy;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/good' ? { success: true, id: 'a1' } : { success: true, id: 42, extra: 'x' }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    prism = await startPrismProxy({ document, upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  });

  afterAll(async () => {
    await prism?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('reports no violation for an answer that matches the document', async () => {
    const res = await fetch(`${prism.url}/good`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, id: 'a1' });
    expect(prism.violationsOf(res)).toEqual([]);
  });

  it('reports, and does not replace, an answer that breaks the document', async () => {
    const res = await fetch(`${prism.url}/bad`);
    // The upstream's answer comes through unchanged: violations are only reported.
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, id: 42, extra: 'x' });
    const violations = prism.violationsOf(res);
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ location: ['response', 'body', 'id'], severity: 'Error', code: 'type' }),
        expect.objectContaining({ location: ['response', 'body'], severity: 'Error', code: 'additionalProperties' }),
      ]),
    );
  });

  it('reports a route the document does not know as a warning', async () => {
    const res = await fetch(`${prism.url}/unknown`);
    expect(prism.violationsOf(res)).toEqual([expect.objectContaining({ location: ['request'], severity: 'Warning', message: 'Selected route not found' })]);
  });

  it('stops for good on close()', async () => {
    const other = await startPrismProxy({ document, upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    expect((await fetch(`${other.url}/good`)).status).toBe(200);
    await other.close();
    await other.close();
    await expect(fetch(`${other.url}/good`)).rejects.toThrow();
  });

  it('rejects, with Prism\'s own words, a document it cannot load', async () => {
    await expect(startPrismProxy({ document: { hello: 'not OpenAPI' }, upstream: 'http://127.0.0.1:9' })).rejects.toThrow(/Unsupported document format/);
  });
});

describe('parseViolations', () => {
  it('reads the header, and turns a header Prism cut short into one error', () => {
    expect(parseViolations(null)).toEqual([]);
    expect(parseViolations('[{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"}]')).toEqual([
      { location: ['request'], severity: 'Error', code: 401, message: 'Invalid security scheme used' },
    ]);
    expect(parseViolations('Too many violations! [{"loc')).toEqual([expect.objectContaining({ severity: 'Error', code: 'truncated' })]);
  });
});
