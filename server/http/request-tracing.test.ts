import { type IncomingMessage, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpal, startFakeOpal } from '../test-support/fake-opal';
import { testDrivers } from '../test-support/test-database';
import { makeEvent, postOsa } from '../test-support/webhook-client';
import { startTestServer, type TestServer } from '../test-support/test-server';

type Line = Record<string, unknown>;
const linesOf = (s: TestServer): Line[] => s.logs.map((l) => JSON.parse(l) as Line);

/** Waits (without a time limit of its own: vitest's is the bound) until a line matches. */
async function lineWhere(s: TestServer, match: (l: Line) => boolean): Promise<Line> {
  for (;;) {
    const found = linesOf(s).find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe.each(testDrivers)('log lines carry the request they belong to, on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver);
  });
  afterAll(() => s?.stop());

  it('a domain log line written during a request carries its correlation and trace ids, without being handed them', async () => {
    // cleanupOldEvents logs "retention cleanup finished" with no id of its own; the body is read first (raw-body).
    const r = await fetch(`${s.url}/api/diagnostics/last-webhook`, {
      method: 'POST',
      headers: { 'x-correlation-id': 'trace-test-domain', traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
      body: JSON.stringify({ action: 'cleanup_old_events', retention_days: 30 }),
    });
    expect(r.status).toBe(200);
    const line = await lineWhere(s, (l) => l.msg === 'retention cleanup finished' && l.correlation_id === 'trace-test-domain');
    expect(line).toMatchObject({ correlation_id: 'trace-test-domain', trace_id: TRACE_ID });
    expect(line).not.toHaveProperty('job');
    // And the request's own line, which the request logger writes from the socket's 'finish'.
    expect(await lineWhere(s, (l) => l.correlation_id === 'trace-test-domain' && l.req !== undefined)).toMatchObject({ trace_id: TRACE_ID, res: { status: 200 } });
  });

  it("a tRPC procedure's unexpected error is logged with the request's correlation id, for a query and for a mutation with a body", async () => {
    const stats = s.ctx.opal.client.stats;
    s.ctx.opal.client.stats = () => {
      throw new Error('circuit stats exploded');
    };
    try {
      const query = await fetch(`${s.url}/trpc/system.configuration`, { headers: { 'x-correlation-id': 'trace-test-trpc-query' } });
      const mutation = await fetch(`${s.url}/trpc/diagnostics.testConfiguration`, {
        method: 'POST',
        headers: { 'x-correlation-id': 'trace-test-trpc-mutation', 'content-type': 'application/json' },
        body: '{}',
      });
      expect([query.status, mutation.status]).toEqual([500, 500]);
    } finally {
      s.ctx.opal.client.stats = stats;
    }
    for (const id of ['trace-test-trpc-query', 'trace-test-trpc-mutation']) {
      const line = await lineWhere(s, (l) => l.msg === 'tRPC procedure failed' && l.correlation_id === id);
      expect(line).toMatchObject({ level: 50, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), err: { message: 'circuit stats exploded' } });
    }
  });

  it("carries the trace on through the built-in simulator: its callbacks to the receiver are the force sync's trace", async () => {
    const traceId = 'a'.repeat(31) + '1';
    const r = await fetch(`${s.url}/api/opal/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${PARENT_ID}-01` },
      body: JSON.stringify({ sync_scope: 'odp_only' }),
    });
    expect(r.status).toBe(200);
    const callbacks = () => linesOf(s).filter((l) => l.trace_id === traceId && (l.req as { path?: string } | undefined)?.path === '/api/webhooks/opal-workflow');
    await lineWhere(s, () => callbacks().length >= 2);
    const ids = new Set(callbacks().map((l) => l.correlation_id));
    // Each callback is a request of its own, with its own correlation id, in one trace.
    expect(ids.size).toBe(callbacks().length);
    expect(ids.has(r.headers.get('x-correlation-id'))).toBe(false);
  });

  it('each background job run logs under an id of its own, job:<name>:<uuid>, and the job name', async () => {
    let runs = 0;
    s.ctx.scheduler.register({
      name: 'trace-test.job',
      everyMs: 1,
      leaseMs: 60_000,
      run: async () => {
        runs++;
        s.ctx.logger.info({ run: runs }, 'trace test job ran');
        // Still there after an await: the context follows the run, not the tick.
        await new Promise((r) => setTimeout(r, 1));
        s.ctx.logger.info({ run: runs }, 'trace test job finished');
      },
    });
    await s.ctx.scheduler.tick();
    await new Promise((r) => setTimeout(r, 5));
    await s.ctx.scheduler.tick();
    const lines = linesOf(s).filter((l) => typeof l.msg === 'string' && l.msg.startsWith('trace test job'));
    expect(lines).toHaveLength(4);
    const ids = lines.map((l) => l.correlation_id as string);
    for (const id of ids) expect(id).toMatch(/^job:trace-test\.job:[0-9a-f-]{36}$/);
    expect(lines.every((l) => l.job === 'trace-test.job')).toBe(true);
    // One id per run, shared by that run's lines.
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(ids[0]).not.toBe(ids[2]);
  });

  it("webhook deliveries committed in one batch do not lend any request's id to the projection batch", async () => {
    const before = s.logs.length;
    // The projection worker logs only failures: make its batches fail until one has logged.
    const observe = s.ctx.telemetry.observeEventProcessed;
    s.ctx.telemetry.observeEventProcessed = () => {
      throw new Error('projection test failure');
    };
    let failure: Line;
    try {
      const workflowId = `wf-trace-batch-${driver}`;
      const posts = [0, 1, 2].map((i) =>
        postOsa(s.url, s.config.webhook.secrets[0]!, makeEvent({ workflow_id: workflowId, offset: i, event_id: `e${i}` }), { headers: { 'x-correlation-id': `trace-test-batch-${i}` } }),
      );
      expect((await Promise.all(posts)).map((d) => d.status)).toEqual([202, 202, 202]);
      failure = await lineWhere(s, (l) => l.msg === 'projection worker could not process pending events; will retry');
    } finally {
      s.ctx.telemetry.observeEventProcessed = observe;
    }
    expect(failure.correlation_id).toMatch(/^job:projections:[0-9a-f-]{36}$/);
    expect(failure.job).toBe('projections');
    await s.settle();
    // No line but each request's own carries a request's id.
    const borrowed = s.logs
      .slice(before)
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => String(l.correlation_id).startsWith('trace-test-batch-') && l.req === undefined);
    expect(borrowed).toEqual([]);
  });
});

describe('against a fake Opal', () => {
  let s: TestServer;
  let opal: FakeOpal;
  beforeAll(async () => {
    opal = await startFakeOpal();
    s = await startTestServer('pglite', { opal: { webhookUrl: opal.url, timeoutMs: 300 } });
  });
  afterAll(async () => {
    await s?.stop();
    await opal?.close();
  });

  describe('W3C trace context across the call to Opal', () => {
    const sync = (headers: Record<string, string>) =>
      fetch(`${s.url}/api/opal/sync`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ sync_scope: 'odp_only' }) });
    const parts = (traceparent: unknown) => /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(traceparent))?.slice(1);

    it("continues a valid incoming traceparent: Opal gets the same trace id with a new parent id, and the caller's tracestate", async () => {
      opal.setBehaviour({ kind: 'ok' });
      const before = opal.requests.length;
      const r = await sync({ 'x-correlation-id': 'trace-test-opal', traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: 'vendor=opaque-value,other=1' });
      expect(r.status).toBe(200);
      const sent = opal.requests[before]!;
      const [traceId, parentId, flags] = parts(sent.headers.traceparent)!;
      expect(traceId).toBe(TRACE_ID);
      expect(parentId).not.toBe(PARENT_ID);
      expect(parentId).not.toBe('0'.repeat(16));
      expect(flags).toBe('01');
      expect(sent.headers.tracestate).toBe('vendor=opaque-value,other=1');
      // The client's domain line carries the ids from the context; the tracestate is passed on, never logged.
      expect(await lineWhere(s, (l) => l.msg === 'Opal started the workflow' && l.correlation_id === 'trace-test-opal')).toMatchObject({ trace_id: TRACE_ID });
      expect(s.logs.join('\n')).not.toContain('opaque-value');
    });

    it.each([
      ['a malformed header', 'not-a-traceparent'],
      ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
      ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
      ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
      ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
      ['version 00 with a trailing field', `00-${TRACE_ID}-${PARENT_ID}-01-extra`],
    ])('ignores %s and starts a new trace, which Opal still receives', async (_what, header) => {
      opal.setBehaviour({ kind: 'ok' });
      const before = opal.requests.length;
      const id = `trace-test-invalid-${before}`;
      const r = await sync({ 'x-correlation-id': id, traceparent: header, tracestate: 'vendor=dropped-with-its-parent' });
      expect(r.status).toBe(200);
      const sent = opal.requests[before]!;
      const [traceId, , flags] = parts(sent.headers.traceparent)!;
      expect(traceId).not.toBe(TRACE_ID);
      expect(traceId).not.toBe('0'.repeat(32));
      expect(flags).toBe('01');
      // A tracestate belongs to its traceparent: without a valid one it is not passed on.
      expect(sent.headers.tracestate).toBeUndefined();
      expect(await lineWhere(s, (l) => l.msg === 'Opal started the workflow' && l.correlation_id === id)).toMatchObject({ trace_id: traceId });
    });

    it('starts a trace of its own for a request without a traceparent, a new one per request', async () => {
      opal.setBehaviour({ kind: 'ok' });
      const before = opal.requests.length;
      await sync({});
      await sync({});
      const [a, b] = [opal.requests[before]!, opal.requests[before + 1]!].map((req) => parts(req.headers.traceparent)![0]);
      expect(a).toMatch(/^[0-9a-f]{32}$/);
      expect(a).not.toBe(b);
    });
  });

  describe('aborted requests', () => {
    /** The server has begun handling the request with this correlation id. */
    const serverSaw = (id: string) =>
      new Promise<void>((resolve) => {
        const seen = (req: IncomingMessage) => {
          if (req.headers['x-correlation-id'] !== id) return;
          s.server.off('request', seen);
          resolve();
        };
        s.server.on('request', seen);
      });

    /** Sends the head and `body` (declaring `length` bytes), then destroys the socket once `gone` resolves. */
    const abandon = (id: string, body: string, length: number, gone: Promise<unknown>) =>
      new Promise<void>((resolve) => {
        const req = httpRequest(`${s.url}/api/opal/sync`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(length), 'x-correlation-id': id },
        });
        req.on('error', () => resolve());
        req.write(body);
        void gone.then(() => {
          req.destroy();
          resolve();
        });
      });

    /** A later request's answer has been logged: everything the abandoned one caused has had its turn. */
    const afterAnotherRequest = async (id: string) => {
      await fetch(`${s.url}/api/health`, { headers: { 'x-correlation-id': id } });
      await lineWhere(s, (l) => l.correlation_id === id && l.req !== undefined);
    };
    const requestLines = (id: string) => linesOf(s).filter((l) => l.correlation_id === id && l.req !== undefined);

    it('logs one "request aborted" line for a body that never finishes, and no answer line', async () => {
      const id = 'trace-test-abort-body';
      await abandon(id, '{"sync_scope":', 1000, serverSaw(id));
      const line = await lineWhere(s, (l) => l.correlation_id === id && l.req !== undefined);
      expect(line).toMatchObject({ level: 40, msg: 'request aborted: POST /api/opal/sync', req: { method: 'POST', path: '/api/opal/sync' } });
      expect(line.duration_ms).toEqual(expect.any(Number));
      // The body reader's "request aborted" error reaches the error handler, whose answer goes nowhere: no second line.
      await afterAnotherRequest(`${id}-after`);
      expect(requestLines(id)).toHaveLength(1);
    });

    it('logs one "request aborted" line for a client that gives up on a slow answer (Opal not answering)', async () => {
      opal.setBehaviour({ kind: 'hang' });
      const before = opal.requests.length;
      const id = 'trace-test-abort-slow';
      const body = '{"sync_scope":"odp_only"}';
      const opalCalled = (async () => {
        while (opal.requests.length === before) await new Promise((r) => setTimeout(r, 5));
      })();
      await abandon(id, body, body.length, opalCalled);
      expect(await lineWhere(s, (l) => l.correlation_id === id && l.req !== undefined)).toMatchObject({ msg: 'request aborted: POST /api/opal/sync' });
      // The handler goes on (the sync is recorded as failed once Opal times out) and its late answer writes no second line.
      opal.setBehaviour({ kind: 'ok' });
      await lineWhere(s, (l) => l.correlation_id === id && typeof l.msg === 'string' && l.msg.startsWith('Opal trigger failed'));
      await afterAnotherRequest(`${id}-after`);
      expect(requestLines(id)).toHaveLength(1);
    });
  });
});
