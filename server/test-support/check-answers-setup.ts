/**
 * Vitest set-up (vite.config.ts `setupFiles`): every answer a test receives
 * from this server's REST routes over fetch is held to its declared output
 * contract, so that a drift between a route and its contract (and so the
 * OpenAPI document) fails the test that saw it.
 */
import { contractViolation } from './answer-contracts';

const original = globalThis.fetch;

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const res = await original(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const { hostname } = new URL(url);
  // This server's answers, and no one else's (fake Opal, alert receivers): every one of them carries X-Correlation-Id.
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname) || !res.headers.has('x-correlation-id')) return res;
  // An event stream (the console's live updates) has no end to read: it is no REST answer either.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) return res;
  const text = await res.clone().text();
  const violation = contractViolation(method, url, res.status, res.headers.get('content-type'), text);
  if (violation) throw new Error(`answer outside its contract: ${violation}\n${text.slice(0, 2000)}`);
  return res;
};
