import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webDistFolder } from '../../paths';
import { startTestServer, type TestServer } from '../../test-support/test-server';

const KEY = 'headers-test-operator-key-000000000000000';
const consoleBuilt = existsSync(join(webDistFolder, 'index.html'));

interface Probe {
  name: string;
  path: string;
  init?: RequestInit;
  status: number;
  /** The console's HTML; finalhandler's own 404 page (no build) has a stricter CSP of its own. */
  html?: boolean;
}

/** API answers, the console, and error answers of every kind the app writes itself. */
const PROBES: Probe[] = [
  { name: 'API JSON', path: '/api/health', status: 200 },
  { name: 'tRPC', path: '/trpc/session', status: 200 },
  { name: 'OpenAPI', path: '/api/openapi.json', status: 200 },
  { name: '404 API', path: '/api/no-such-route', status: 404 },
  { name: '400 bad query', path: '/api/diagnostics/last-webhook?limit=abc', init: { headers: { authorization: `Bearer ${KEY}` } }, status: 400 },
  { name: '401 no key', path: '/api/alerts', status: 401 },
  {
    name: '415 form body',
    path: '/api/opal/sync',
    init: { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/plain' }, body: 'x' },
    status: 415,
  },
  { name: '400 bad JSON', path: '/api/auth/login', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }, status: 400 },
  consoleBuilt
    ? { name: 'console HTML', path: '/workflows', status: 200, html: true }
    : { name: 'console path without a build (404 HTML)', path: '/workflows', status: 404, html: true },
];

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

/** What every answer must carry, whatever produced it. */
function expectBaseline(res: Response, label: string) {
  expect(res.headers.get('x-powered-by'), label).toBeNull();
  expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
  expect(res.headers.get('referrer-policy'), label).toBe('no-referrer');
  const csp = res.headers.get('content-security-policy');
  expect(csp, label).toBeTruthy();
  expect(csp, label).not.toMatch(/unsafe-eval/);
  const d = directives(csp!);
  // Either helmet's policy or a stricter "default-src 'none'" (Express's own HTML error page).
  expect([["'self'"], ["'none'"]], label).toContainEqual(d.get('default-src'));
  return d;
}

/** Helmet's policy, checked directive by directive. */
function expectAppPolicy(res: Response, label: string) {
  const d = expectBaseline(res, label);
  expect(d.get('default-src'), label).toEqual(["'self'"]);
  expect(d.get('object-src'), label).toEqual(["'none'"]);
  expect(d.get('frame-ancestors'), label).toEqual(["'self'"]);
  expect(d.get('script-src'), label).toEqual(["'self'"]);
  expect(d.get('script-src-attr'), label).toEqual(["'none'"]);
  expect(d.get('base-uri'), label).toEqual(["'self'"]);
  expect(d.get('form-action'), label).toEqual(["'self'"]);
  expect(res.headers.get('x-frame-options'), label).toBe('SAMEORIGIN');
  return d;
}

async function probe(s: TestServer, p: Probe, extra: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${p.path}`, { ...p.init, headers: { ...(p.init?.headers as Record<string, string>), ...extra }, redirect: 'manual' });
  await res.arrayBuffer();
  return res;
}

describe('security headers in development', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite', { apiKeys: [{ name: 'dash', role: 'operator', key: KEY }] });
  });
  afterAll(() => s?.stop());

  it.each(PROBES.map((p) => [p.name, p] as const))('%s: CSP, nosniff, Referrer-Policy, no X-Powered-By; no HSTS, no upgrade-insecure-requests', async (name, p) => {
    const res = await probe(s, p);
    expect(res.status, name).toBe(p.status);
    const d = p.html && !consoleBuilt ? expectBaseline(res, name) : expectAppPolicy(res, name);
    expect(d.has('upgrade-insecure-requests'), name).toBe(false);
    expect(res.headers.get('strict-transport-security'), name).toBeNull();
  });
});

describe('security headers in production (behind a trusted proxy)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite', {
      nodeEnv: 'production',
      isProduction: true,
      trustProxy: 'loopback',
      baseUrl: 'https://sync.acme.test',
      apiKeys: [{ name: 'dash', role: 'operator', key: KEY }],
      admin: { email: 'ada@acme.test', password: 'a-long-admin-password' },
    });
  });
  afterAll(() => s?.stop());

  const https = { 'x-forwarded-proto': 'https' };

  it.each(PROBES.map((p) => [p.name, p] as const))('%s: the same, plus HSTS and upgrade-insecure-requests', async (name, p) => {
    const res = await probe(s, p, https);
    expect(res.status, name).toBe(p.status);
    const d = p.html && !consoleBuilt ? expectBaseline(res, name) : expectAppPolicy(res, name);
    if (!(p.html && !consoleBuilt)) expect(d.get('upgrade-insecure-requests'), name).toEqual([]);
    const hsts = res.headers.get('strict-transport-security');
    expect(hsts, name).toMatch(/max-age=(\d+)/);
    expect(Number(/max-age=(\d+)/.exec(hsts!)![1]), name).toBeGreaterThanOrEqual(15_552_000); // 180 days at least
    expect(hsts, name).toMatch(/includeSubDomains/i);
  });

  it('puts the headers on the plain-http redirect and refusal as well', async () => {
    const redirect = await probe(s, { name: 'redirect', path: '/api/alerts', status: 301 }, { 'x-forwarded-proto': 'http' });
    expect(redirect.status).toBe(301);
    expectAppPolicy(redirect, 'redirect');
    const refused = await probe(
      s,
      { name: 'refusal', path: '/api/opal/sync', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, status: 403 },
      { 'x-forwarded-proto': 'http' },
    );
    expect(refused.status).toBe(403);
    expectAppPolicy(refused, 'refusal');
  });
});
