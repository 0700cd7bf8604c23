import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEND_WORKFLOW_EVENT_PATH } from '../../domain/opal-tools/tool-registry';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa } from '../../test-support/webhook-client';
import { CORS_ALLOWED_HEADERS } from '../cors-policy';

const CONSOLE = 'https://console.acme.test';
const LOCAL_DEV = 'http://localhost:5173';
const KEY = 'cors-test-viewer-key-00000000000000000';

// Near misses of the allowed origins, and the usual tricks: none of them is an allowed origin.
const FOREIGN = [
  'https://evil.example',
  'http://console.acme.test', // another scheme
  'https://console.acme.test:8443', // another port
  'https://console.acme.test.evil.example', // a suffix
  'https://evilconsole.acme.test',
  'https://sub.console.acme.test',
  'https://console.acme.tes',
  'null', // sandboxed iframes, file://, redirects
  `${CONSOLE}/`,
  `${CONSOLE}, https://evil.example`,
  '*',
];

// API routes a browser may read, and routes only servers call.
const BROWSER_ROUTES = ['/api/health', '/api/opal/sync', '/api/alerts', '/trpc/workflows.list', '/api/metrics'];
const SERVER_ONLY = ['/api/webhooks/opal-workflow', SEND_WORKFLOW_EVENT_PATH, '/api/opal/discovery', '/API/Webhooks/opal-workflow'];

const accessControl = (res: Response) =>
  Object.fromEntries([...res.headers.entries()].filter(([name]) => name.startsWith('access-control-')));

const preflight = (s: TestServer, path: string, origin: string, requestHeaders = 'content-type,authorization') =>
  fetch(`${s.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
  });

const vary = (res: Response) => (res.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());

describe('CORS closed by default (CORS_ORIGINS unset)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite');
  });
  afterAll(() => s?.stop());

  it('answers no origin with CORS headers, on reads, writes and preflights', async () => {
    for (const origin of [CONSOLE, LOCAL_DEV, ...FOREIGN]) {
      for (const path of [...BROWSER_ROUTES, ...SERVER_ONLY]) {
        const get = await fetch(`${s.url}${path}`, { headers: { origin } });
        await get.arrayBuffer();
        expect(accessControl(get), `GET ${path} from ${origin}`).toEqual({});
        const pre = await preflight(s, path, origin);
        await pre.arrayBuffer();
        expect(accessControl(pre), `OPTIONS ${path} from ${origin}`).toEqual({});
      }
    }
  }, 60_000);

  it('still serves same-origin and server-to-server callers (no Origin header) as before', async () => {
    expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
    const hook = await postOsa(s.url, s.config.webhook.secrets[0]!, makeEvent(), { headers: { origin: 'https://evil.example' } });
    expect(hook.status).toBe(202);
    expect(accessControl(new Response(null, { headers: hook.headers }))).toEqual({});
  });
});

describe('CORS with CORS_ORIGINS configured', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite', { corsOrigins: [CONSOLE, LOCAL_DEV], apiKeys: [{ name: 'dash', role: 'viewer', key: KEY }] });
  });
  afterAll(() => s?.stop());

  it('lets exactly the configured origins read the API, with credentials, and varies on Origin', async () => {
    for (const origin of [CONSOLE, LOCAL_DEV]) {
      for (const path of BROWSER_ROUTES) {
        const res = await fetch(`${s.url}${path}${path.startsWith('/trpc') ? '?input=%7B%7D' : ''}`, {
          headers: { origin, authorization: `Bearer ${KEY}` },
        });
        expect(res.status, `GET ${path}`).toBe(200);
        await res.arrayBuffer();
        expect(res.headers.get('access-control-allow-origin'), `GET ${path} from ${origin}`).toBe(origin);
        expect(res.headers.get('access-control-allow-credentials')).toBe('true');
        expect(res.headers.get('access-control-expose-headers')).toMatch(/X-Correlation-Id/);
        expect(vary(res)).toContain('origin');
      }
    }
  });

  it('answers a preflight from a configured origin with the methods and headers the API reads', async () => {
    const res = await preflight(s, '/trpc/forceSync.start', CONSOLE, 'content-type,authorization,idempotency-key,x-correlation-id,trpc-accept');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')!.split(',').sort()).toEqual(['GET', 'POST']);
    const allowed = res.headers.get('access-control-allow-headers')!.split(',').map((h) => h.toLowerCase());
    for (const h of ['content-type', 'authorization', 'idempotency-key', 'x-correlation-id', 'trpc-accept']) expect(allowed).toContain(h);
    expect(allowed).toEqual(CORS_ALLOWED_HEADERS.map((h) => h.toLowerCase()));
    expect(vary(res)).toContain('origin');
  });

  it('gives any other origin no CORS header at all, on reads and on preflights, and never a wildcard', async () => {
    for (const origin of FOREIGN) {
      for (const path of BROWSER_ROUTES) {
        const get = await fetch(`${s.url}${path}`, { headers: { origin, authorization: `Bearer ${KEY}` } });
        await get.arrayBuffer();
        expect(accessControl(get), `GET ${path} from ${origin}`).toEqual({});
        expect(vary(get), 'a cache must not hand this answer to another origin').toContain('origin');
        const pre = await preflight(s, path, origin);
        await pre.arrayBuffer();
        expect(accessControl(pre), `OPTIONS ${path} from ${origin}`).toEqual({});
      }
    }
  });

  it('keeps the webhook and Opal tool routes closed even to configured origins: they are server to server', async () => {
    for (const origin of [CONSOLE, LOCAL_DEV]) {
      for (const path of SERVER_ONLY) {
        const pre = await preflight(s, path, origin);
        await pre.arrayBuffer();
        expect(accessControl(pre), `OPTIONS ${path} from ${origin}`).toEqual({});
        const get = await fetch(`${s.url}${path}`, { headers: { origin } });
        await get.arrayBuffer();
        expect(accessControl(get), `GET ${path} from ${origin}`).toEqual({});
      }
      const hook = await postOsa(s.url, s.config.webhook.secrets[0]!, makeEvent(), { headers: { origin } });
      expect(hook.status).toBe(202);
      expect(hook.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('does not widen access: CORS decides who may read an answer, not who is authorised', async () => {
    const res = await fetch(`${s.url}/api/alerts`, { headers: { origin: CONSOLE } });
    expect(res.status).toBe(401);
    await res.arrayBuffer();
    // The configured origin may read the refusal (so the page can say "sign in"), nothing more.
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
  });
});
