import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpal, type FakeOpal } from '../../../test-support/fake-opal';
import { DomainError } from '../../errors';
import { createOpalClient, type OpalClient, type OpalClientOptions, type TriggerWorkflowInput } from './opal-client';
import { fetchTransport } from './opal-transport';

const AUTH_KEY = 'test-auth-key-0123456789-abcdefghijklmnop';

let opal: FakeOpal;
const clients: OpalClient[] = [];
const logs: { level: string; obj: object; msg: string }[] = [];
const logger = {
  warn: (obj: object, msg: string) => logs.push({ level: 'warn', obj, msg }),
  info: (obj: object, msg: string) => logs.push({ level: 'info', obj, msg }),
};

function client(over: Partial<OpalClientOptions> = {}): OpalClient {
  const c = createOpalClient({ url: opal.url, authKey: AUTH_KEY, timeoutMs: 2000, transport: fetchTransport(), baseBackoffMs: 20, logger, ...over });
  clients.push(c);
  return c;
}

const input = (over: Partial<TriggerWorkflowInput> = {}): TriggerWorkflowInput => ({
  correlationId: 'force-sync-1700000000000-abc123',
  inputData: { client_name: 'ACME', industry: 'Retail', recipients: ['ops@acme.test'], sync_scope: 'priority_platforms' },
  callbackUrl: 'http://127.0.0.1:3000/api/webhooks/opal-workflow',
  triggerTimestamp: new Date('2025-03-01T12:00:00.000Z'),
  ...over,
});

async function failure(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

beforeAll(async () => {
  opal = await startFakeOpal();
});
afterAll(async () => {
  await opal.close();
});
beforeEach(async () => {
  await opal.acceptConnections();
  opal.setBehaviour({ kind: 'ok' });
  opal.requests.length = 0;
  logs.length = 0;
});
afterEach(() => {
  for (const c of clients.splice(0)) c.shutdown();
});

describe('Opal client: the request', () => {
  it('posts the strategy_workflow request with the auth, content type and correlation headers', async () => {
    opal.setBehaviour({ kind: 'ok', workflowId: 'wf-123', sessionId: 'sess-9' });
    const r = await client().triggerWorkflow(input({ extraMetadata: { workspace_id: 'ws-1' } }));
    expect(r).toMatchObject({ workflowId: 'wf-123', sessionId: 'sess-9', opalStatus: 200, attempts: 1 });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(opal.requests).toHaveLength(1);
    const req = opal.requests[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${AUTH_KEY}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-correlation-id']).toBe('force-sync-1700000000000-abc123');
    expect(req.body).toEqual({
      workflow_name: 'strategy_workflow',
      input_data: { client_name: 'ACME', industry: 'Retail', recipients: ['ops@acme.test'], sync_scope: 'priority_platforms', force_sync: true },
      metadata: {
        correlation_id: 'force-sync-1700000000000-abc123',
        trigger_timestamp: '2025-03-01T12:00:00.000Z',
        source_system: 'opal-force-sync',
        callback_url: 'http://127.0.0.1:3000/api/webhooks/opal-workflow',
        workspace_id: 'ws-1',
      },
    });
  });

  it('reads the workflow id from `id` when `workflow_id` is absent', async () => {
    opal.setBehaviour({ kind: 'ok', workflowId: 'wf-by-id', useIdField: true });
    expect((await client().triggerWorkflow(input())).workflowId).toBe('wf-by-id');
  });

  it('refuses a correlation id that cannot be a header value, before calling Opal', async () => {
    await expect(client().triggerWorkflow(input({ correlationId: 'bad\nid' }))).rejects.toThrow(TypeError);
    expect(opal.requests).toHaveLength(0);
  });
});

describe('Opal client: retries', () => {
  it('honours Retry-After on 429 and succeeds on the second attempt', async () => {
    opal.setBehaviour([{ kind: 'status', status: 429, retryAfter: '1' }, { kind: 'ok', workflowId: 'wf-after-429' }]);
    const r = await client().triggerWorkflow(input());
    expect(r).toMatchObject({ workflowId: 'wf-after-429', attempts: 2 });
    expect(opal.requests).toHaveLength(2);
    expect(opal.requests[1]!.at - opal.requests[0]!.at).toBeGreaterThanOrEqual(990);
    expect(r.latencyMs).toBeGreaterThanOrEqual(990);
  });

  it('retries 503 at most maxAttempts times, then answers 503 with attempts 3 and Opal\'s Retry-After', async () => {
    const delays: number[] = [];
    opal.setBehaviour({ kind: 'status', status: 503, retryAfter: '0' });
    const e = await failure(client({ sleep: async (ms) => void delays.push(ms), random: () => 0.5 }).triggerWorkflow(input()));
    expect(e.kind).toBe('Unavailable');
    expect(e.details).toMatchObject({ opal_outcome: 'unavailable', attempts: 3, opal_status: 503, may_have_started: false, stopped_because: 'max_attempts' });
    expect(e.retryAfterSeconds).toBe(1);
    expect(opal.requests).toHaveLength(3);
    expect(delays).toEqual([10, 20]); // full jitter at random()=0.5 over 20·2^(n-1)
  });

  it('answers 503 with a default Retry-After when 429 came without one', async () => {
    opal.setBehaviour({ kind: 'status', status: 429 });
    const e = await failure(client().triggerWorkflow(input()));
    expect(e.kind).toBe('Unavailable');
    expect(e.details).toMatchObject({ opal_outcome: 'rate_limited', attempts: 3, opal_status: 429 });
    expect(e.retryAfterSeconds).toBe(5);
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    opal.setBehaviour({ kind: 'status', status: 503, retryAfter: at });
    const e = await failure(client().triggerWorkflow(input()));
    expect(e.details).toMatchObject({ opal_outcome: 'unavailable', attempts: 1, stopped_because: 'deadline' });
    expect(e.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(e.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('does not retry a 500: 502, one request, the workflow may have started', async () => {
    opal.setBehaviour({ kind: 'status', status: 500 });
    const e = await failure(client().triggerWorkflow(input()));
    expect(e.kind).toBe('Upstream');
    expect(e.message).toMatch(/500.*check Opal before re-running/);
    expect(e.details).toMatchObject({ opal_outcome: 'server_error', attempts: 1, opal_status: 500, may_have_started: true });
    expect(opal.requests).toHaveLength(1);
  });

  it('does not retry a time-out after sending: 502 after about timeoutMs, one request', async () => {
    opal.setBehaviour({ kind: 'hang' });
    const t0 = performance.now();
    const e = await failure(client({ timeoutMs: 300 }).triggerWorkflow(input()));
    const took = performance.now() - t0;
    expect(e.kind).toBe('Upstream');
    expect(e.message).toBe('Opal did not answer within 300 ms; the workflow may have started — check Opal before re-running.');
    expect(e.details).toMatchObject({ opal_outcome: 'timeout_after_send', attempts: 1, may_have_started: true, timeout_ms: 300 });
    expect(e.details).not.toHaveProperty('opal_status');
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1000);
    expect(opal.requests).toHaveLength(1);
  });

  it('retries refused connections, then answers 503 connect_failed', async () => {
    await opal.refuseConnections();
    const delays: number[] = [];
    const e = await failure(client({ sleep: async (ms) => void delays.push(ms), random: () => 1 }).triggerWorkflow(input()));
    expect(e.kind).toBe('Unavailable');
    expect(e.details).toMatchObject({ opal_outcome: 'connect_failed', attempts: 3, cause_code: 'ECONNREFUSED', may_have_started: false });
    expect(e.retryAfterSeconds).toBe(5);
    expect(delays).toEqual([20, 40]);
  });

  it('succeeds when Opal comes back between retries', async () => {
    await opal.refuseConnections();
    opal.setBehaviour({ kind: 'ok', workflowId: 'wf-back' });
    const r = await client({ sleep: async () => void (await opal.acceptConnections()) }).triggerWorkflow(input());
    expect(r).toMatchObject({ workflowId: 'wf-back', attempts: 2 });
  });

  it('answers 502 bad_response for a 2xx that is not JSON or has no id, without retrying', async () => {
    opal.setBehaviour({ kind: 'not_json' });
    const e1 = await failure(client().triggerWorkflow(input()));
    expect(e1.kind).toBe('Upstream');
    expect(e1.details).toMatchObject({ opal_outcome: 'bad_response', attempts: 1, opal_status: 200, may_have_started: true });
    opal.setBehaviour({ kind: 'status', status: 200, body: '{"session_id":"s"}' });
    const e2 = await failure(client().triggerWorkflow(input()));
    expect(e2.details).toMatchObject({ opal_outcome: 'bad_response', opal_status: 200 });
    expect(opal.requests).toHaveLength(2);
  });
});

describe('Opal client: refusals', () => {
  it('answers 502 naming 401 and the key variable, without retrying', async () => {
    opal.setBehaviour({ kind: 'status', status: 401, body: JSON.stringify({ message: `invalid bearer ${AUTH_KEY}` }) });
    const e = await failure(client().triggerWorkflow(input()));
    expect(e.kind).toBe('Upstream');
    expect(e.message).toBe('Opal refused the request with 401: check OPAL_STRATEGY_WORKFLOW_AUTH_KEY.');
    expect(e.details).toMatchObject({ opal_outcome: 'refused', attempts: 1, opal_status: 401, may_have_started: false, opal_message: 'invalid bearer [redacted]' });
    expect(opal.requests).toHaveLength(1);
  });

  it('names other 4xx statuses', async () => {
    for (const status of [403, 404, 400]) {
      opal.setBehaviour({ kind: 'status', status });
      const e = await failure(client().triggerWorkflow(input()));
      expect(e.kind).toBe('Upstream');
      expect(e.message).toContain(`Opal refused the request with ${status}`);
      expect(e.details).toMatchObject({ opal_outcome: 'refused', opal_status: status });
    }
    expect(opal.requests).toHaveLength(3);
  });
});

describe('Opal client: the total deadline', () => {
  it('never starts a retry that could not finish within the deadline', async () => {
    opal.setBehaviour({ kind: 'status', status: 503 });
    const t0 = performance.now();
    const e = await failure(client({ timeoutMs: 300, totalDeadlineMs: 1000, maxAttempts: 50, baseBackoffMs: 200 }).triggerWorkflow(input()));
    const took = performance.now() - t0;
    expect(e.details).toMatchObject({ opal_outcome: 'unavailable', stopped_because: 'deadline' });
    expect(took).toBeLessThanOrEqual(1000 + 30); // + timer lateness under a loaded CI
    expect((e.details!.attempts as number) > 1).toBe(true);
    // the last attempt started early enough for a whole attempt to fit
    expect(opal.requests.at(-1)!.at - opal.requests[0]!.at).toBeLessThanOrEqual(1000 - 300 + 50);
  });

  it('does not wait for a Retry-After past the deadline: answers 503 at once with Opal\'s Retry-After', async () => {
    opal.setBehaviour({ kind: 'status', status: 429, retryAfter: '5' });
    const t0 = performance.now();
    const e = await failure(client({ timeoutMs: 300, totalDeadlineMs: 2000 }).triggerWorkflow(input()));
    expect(performance.now() - t0).toBeLessThan(500);
    expect(e.retryAfterSeconds).toBe(5);
    expect(e.details).toMatchObject({ opal_outcome: 'rate_limited', attempts: 1, stopped_because: 'deadline' });
  });

  it('bounds an attempt by the deadline when timeoutMs is longer', async () => {
    opal.setBehaviour({ kind: 'hang' });
    const t0 = performance.now();
    const e = await failure(client({ timeoutMs: 5000, totalDeadlineMs: 400 }).triggerWorkflow(input()));
    const took = performance.now() - t0;
    expect(e.details).toMatchObject({ opal_outcome: 'timeout_after_send' });
    expect(e.details!.timeout_ms).toBeGreaterThanOrEqual(390);
    expect(e.details!.timeout_ms).toBeLessThanOrEqual(400);
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(900);
  });
});

describe('Opal client: other transports', () => {
  const base = { url: 'http://opal.test/hook', authKey: AUTH_KEY, timeoutMs: 200, baseBackoffMs: 1 };

  it('times out even when the transport ignores the abort signal', async () => {
    const c = createOpalClient({ ...base, transport: () => new Promise(() => {}) });
    clients.push(c);
    const e = await failure(c.triggerWorkflow(input()));
    expect(e.details).toMatchObject({ opal_outcome: 'timeout_after_send', attempts: 1 });
  });

  it('treats a connection lost after sending as "may have started", without retrying', async () => {
    let calls = 0;
    const c = createOpalClient({
      ...base,
      transport: async () => {
        calls += 1;
        throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
      },
    });
    clients.push(c);
    const e = await failure(c.triggerWorkflow(input()));
    expect(e.kind).toBe('Upstream');
    expect(e.details).toMatchObject({ opal_outcome: 'bad_response', cause_code: 'ECONNRESET', may_have_started: true, attempts: 1 });
    expect(e.details).not.toHaveProperty('opal_status');
    expect(calls).toBe(1);
  });

  it('accepts mixed-case header names from a transport', async () => {
    const c = createOpalClient({ ...base, maxAttempts: 1, transport: async () => ({ status: 429, headers: { 'Retry-After': '7' }, bodyText: '' }) });
    clients.push(c);
    const e = await failure(c.triggerWorkflow(input()));
    expect(e.retryAfterSeconds).toBe(7);
  });
});

describe('Opal client: the auth key stays secret', () => {
  it('appears in no error message, details or log line', async () => {
    const echo = JSON.stringify({ message: `bad key ${AUTH_KEY}`, error: AUTH_KEY });
    const behaviours = [
      { kind: 'status', status: 401, body: echo },
      { kind: 'status', status: 403, body: echo },
      { kind: 'status', status: 500, body: echo },
      { kind: 'status', status: 503, body: echo },
      { kind: 'status', status: 429, body: echo, retryAfter: '0' },
      { kind: 'status', status: 200, body: echo },
      { kind: 'not_json' },
      { kind: 'hang' },
    ] as const;
    const seen: unknown[] = [];
    for (const b of behaviours) {
      opal.setBehaviour(b);
      const e = await failure(client().triggerWorkflow(input()));
      seen.push({ message: e.message, title: e.title, details: e.details, stack: e.stack, cause: String(e.cause) });
    }
    await opal.refuseConnections();
    const e = await failure(client().triggerWorkflow(input()));
    seen.push({ message: e.message, details: e.details });
    const text = JSON.stringify({ seen, logs });
    expect(logs.length).toBeGreaterThan(0);
    expect(text).not.toContain(AUTH_KEY);
    expect(text).not.toContain('Bearer');
    expect(text).not.toContain(opal.url); // the webhook URL can carry workspace ids: logs name the host only
  });
});
