import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../test-support/free-port';
import { STRATEGY_AGENTS, STRATEGY_WORKFLOW } from '../../../contracts/strategy-workflow';
import { webhookEventSchema } from '../../../contracts/webhook-event';
import { OpalSimulator, type OpalSimulatorOptions, type SimulatorScenario } from './opal-simulator';
import type { OpalHttpRequest } from './simulator-types';
import { startCallbackReceiver, type CallbackReceiver, type ReceiverAnswer } from '../../../test-support/test-callback-receiver';

const SECRET = 'sim-test-secret-0123456789abcdef0123456789';
const AUTH_KEY = 'sim-test-auth-key-0123456789abcdef0123456789';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(respond?: (body: Record<string, unknown>, i: number) => ReceiverAnswer): Promise<CallbackReceiver> {
  const r = await startCallbackReceiver(SECRET, respond);
  cleanups.push(() => r.close());
  return r;
}

function logs() {
  const lines: { level: 'info' | 'warn'; obj: object; msg: string }[] = [];
  return {
    lines,
    logger: {
      info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
      warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
    },
    warnings: () => lines.filter((l) => l.level === 'warn').map((l) => l.msg),
  };
}

function simulator(over: Partial<OpalSimulatorOptions> = {}) {
  const sim = new OpalSimulator({ secret: SECRET, authKey: AUTH_KEY, delayMs: 5, failureRate: 0, allowScenarios: true, ...over });
  cleanups.push(() => sim.stop());
  return sim;
}

function request(callbackUrl: string, opts: { scenario?: SimulatorScenario; body?: Record<string, unknown>; headers?: Record<string, string>; signal?: AbortSignal } = {}): OpalHttpRequest {
  const body = opts.body ?? {
    workflow_name: STRATEGY_WORKFLOW,
    input_data: { client_name: 'Acme', industry: 'Retail', recipients: ['ops@acme.test'], sync_scope: 'priority_platforms', force_sync: true },
    metadata: {
      correlation_id: 'corr-123',
      trigger_timestamp: new Date().toISOString(),
      source_system: 'opal-force-sync',
      callback_url: callbackUrl,
      sync_id: 'sync-1',
      ...(opts.scenario ? { simulator_scenario: opts.scenario } : {}),
    },
  };
  return {
    url: 'https://opal.simulator.invalid/webhooks/strategy_workflow',
    headers: { Authorization: `Bearer ${AUTH_KEY}`, 'Content-Type': 'application/json', 'X-Correlation-ID': 'corr-123', ...opts.headers },
    body: JSON.stringify(body),
    signal: opts.signal ?? new AbortController().signal,
  };
}

async function finished(sim: OpalSimulator, timeout = 10_000) {
  await vi.waitFor(() => expect(sim.activeRuns()).toBe(0), { timeout, interval: 5 });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(sim: OpalSimulator, url: string, scenario?: SimulatorScenario) {
  const res = await sim.transport(request(url, scenario ? { scenario } : {}));
  expect(res.status).toBe(200);
  return JSON.parse(res.bodyText) as { workflow_id: string; session_id: string; status: string };
}

const types = (r: CallbackReceiver) => r.received.map((c) => c.body.event_type);
const EXPECTED_TYPES = ['workflow.started', ...STRATEGY_AGENTS.flatMap(() => ['agent.started', 'agent.completed']), 'workflow.completed'];

describe('OpalSimulator: a normal run', () => {
  it('answers like Opal and posts 20 signed callbacks in offset order with the returned workflow id', async () => {
    const r = await receiver();
    const sim = simulator();
    const res = await sim.transport(request(r.url));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-correlation-id']).toBe('corr-123');
    const answer = JSON.parse(res.bodyText) as Record<string, unknown>;
    expect(answer).toEqual({ workflow_id: expect.stringMatching(/^sim-wf-[0-9a-f]{16}$/), session_id: expect.stringMatching(/^sim-sess-[0-9a-f]{16}$/), status: 'started' });
    expect(sim.activeRuns()).toBe(1);
    await finished(sim);

    expect(r.received).toHaveLength(20);
    expect(types(r)).toEqual(EXPECTED_TYPES);
    expect(r.received.map((c) => c.body.offset)).toEqual([...Array(20).keys()]);
    expect(r.received.slice(1, 19).map((c) => c.body.agent_id)).toEqual(STRATEGY_AGENTS.flatMap((a) => [a, a]));
    expect(new Set(r.received.map((c) => c.body.event_id)).size).toBe(20);
    for (const c of r.received) {
      expect(c.signatureOk).toBe(true);
      expect(c.contentType).toBe('application/json');
      expect(c.status).toBe(202);
      expect(c.body.workflow_id).toBe(answer.workflow_id);
      expect(c.body.event_id).toBe(`${String(answer.workflow_id)}:${String(c.body.offset)}`);
      expect(webhookEventSchema.safeParse(c.body).success).toBe(true);
      expect(c.body.metadata).toMatchObject({ source: 'opal-simulator', session_id: answer.session_id, correlation_id: 'corr-123', sync_id: 'sync-1' });
    }
    const stamps = r.received.map((c) => Date.parse(String(c.body.timestamp)));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    const completed = r.received.filter((c) => c.body.event_type === 'agent.completed');
    for (const c of completed) {
      expect(c.body.execution_status).toBe('success');
      expect(c.body.agent_data).toMatchObject({ summary: expect.any(String), score: expect.any(Number), items: expect.any(Array) });
    }
  });

  it('keeps several runs apart', async () => {
    const r = await receiver();
    const sim = simulator();
    const [a, b] = await Promise.all([start(sim, r.url), start(sim, r.url)]);
    expect(a.workflow_id).not.toBe(b.workflow_id);
    expect(sim.activeRuns()).toBe(2);
    await finished(sim);
    for (const id of [a.workflow_id, b.workflow_id]) {
      const mine = r.received.filter((c) => c.body.workflow_id === id);
      expect(mine.map((c) => c.body.event_type)).toEqual(EXPECTED_TYPES);
    }
  });

  it('posts to the override when the server knows its own address, keeping the requested path', async () => {
    const r = await receiver();
    const origin = new URL(r.url).origin;
    const sim = simulator({ callbackUrlOverride: () => origin });
    await start(sim, 'http://unreachable.invalid/api/webhooks/opal-workflow');
    await finished(sim);
    expect(r.received).toHaveLength(20);
  });
});

describe('OpalSimulator: failures', () => {
  it('failureRate 1 fails all nine agents with an error text, and the workflow still completes', async () => {
    const r = await receiver();
    const sim = simulator({ failureRate: 1 });
    await start(sim, r.url);
    await finished(sim);
    const failed = r.received.filter((c) => c.body.event_type === 'agent.failed');
    expect(failed.map((c) => c.body.agent_id)).toEqual([...STRATEGY_AGENTS]);
    for (const c of failed) {
      expect(c.body.error).toEqual(expect.stringContaining(String(c.body.agent_id)));
      expect(c.body.execution_status).toBe('failure');
    }
    expect(types(r)).not.toContain('agent.completed');
    expect(types(r).at(-1)).toBe('workflow.completed');
  });

  it('workflow_failure ends the run with workflow.failed', async () => {
    const r = await receiver();
    const sim = simulator();
    await start(sim, r.url, { workflow_failure: true });
    await finished(sim);
    expect(r.received).toHaveLength(20);
    const last = r.received.at(-1)!.body;
    expect(last).toMatchObject({ event_type: 'workflow.failed', offset: 19, error: expect.any(String) });
    expect(types(r)).not.toContain('workflow.completed');
  });

  it('fail_agents fails exactly the named agent', async () => {
    const r = await receiver();
    const sim = simulator();
    await start(sim, r.url, { fail_agents: ['geo_audit'] });
    await finished(sim);
    const failed = r.received.filter((c) => c.body.event_type === 'agent.failed');
    expect(failed.map((c) => c.body.agent_id)).toEqual(['geo_audit']);
    expect(failed[0]!.body.offset).toBe(4);
    expect(r.received.filter((c) => c.body.event_type === 'agent.completed')).toHaveLength(8);
    expect(types(r).at(-1)).toBe('workflow.completed');
  });
});

describe('OpalSimulator: seeds', () => {
  async function failuresAndIds(seed: number) {
    const r = await receiver();
    const sim = simulator({ seed, failureRate: 0.5 });
    const ids = [(await start(sim, r.url)).workflow_id, (await start(sim, r.url)).workflow_id];
    await finished(sim);
    const failed = ids.map((id) => r.received.filter((c) => c.body.workflow_id === id && c.body.event_type === 'agent.failed').map((c) => c.body.agent_id));
    const scores = r.received.filter((c) => c.body.event_type === 'agent.completed').map((c) => `${String(c.body.workflow_id)}:${JSON.stringify(c.body.agent_data)}`);
    return { ids, failed, scores: scores.sort() };
  }

  it('the same seed and call order give the same ids, failures and agent data', async () => {
    const a = await failuresAndIds(42);
    const b = await failuresAndIds(42);
    expect(b).toEqual(a);
    // failureRate 0.5 must actually decide something for this to prove anything.
    const failures = a.failed.flat().length;
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(18);
    const c = await failuresAndIds(43);
    expect(c.ids).not.toEqual(a.ids);
  });

  it('draws nothing from Math.random when seeded', async () => {
    const r = await receiver();
    const sim = simulator({ seed: 7, failureRate: 0.5 });
    const spy = vi.spyOn(Math, 'random');
    try {
      // The trigger plans the whole run synchronously: every draw happens here.
      const pending = sim.transport(request(r.url, { scenario: { late_callback: true } }));
      expect(spy).not.toHaveBeenCalled();
      await pending;
    } finally {
      spy.mockRestore();
    }
    await finished(sim);
  });
});

describe('OpalSimulator: delivery scenarios', () => {
  it('duplicate_callbacks sends each callback twice', async () => {
    const r = await receiver();
    const sim = simulator();
    await start(sim, r.url, { duplicate_callbacks: true });
    await finished(sim);
    expect(r.received).toHaveLength(40);
    for (let i = 0; i < 40; i += 2) {
      expect(r.received[i + 1]!.rawBody).toBe(r.received[i]!.rawBody);
      expect([r.received[i]!.status, r.received[i + 1]!.status]).toEqual([202, 409]);
    }
    expect(new Set(r.received.map((c) => c.body.event_id)).size).toBe(20);
  });

  it('late_callback delivers one completion after workflow.completed with its original offset', async () => {
    const r = await receiver();
    const sim = simulator();
    await start(sim, r.url, { late_callback: true });
    await finished(sim);
    expect(r.received).toHaveLength(20);
    const last = r.received.at(-1)!.body;
    expect(last.event_type).toBe('agent.completed');
    expect(r.received.at(-2)!.body).toMatchObject({ event_type: 'workflow.completed', offset: 19 });
    const offset = last.offset as number;
    expect(offset).toBeLessThan(19);
    expect(last.event_id).toBe(`${String(last.workflow_id)}:${offset}`);
    expect(r.received.map((c) => c.body.offset as number).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    // Delivered last, but stamped with the time it happened.
    expect(Date.parse(String(last.timestamp))).toBeLessThan(Date.parse(String(r.received.at(-2)!.body.timestamp)));
  });

  it('stop_after 3 sends exactly three callbacks, then goes silent', async () => {
    const r = await receiver();
    const sim = simulator();
    await start(sim, r.url, { stop_after: 3 });
    await finished(sim);
    await pause(60);
    expect(r.received.map((c) => c.body.offset)).toEqual([0, 1, 2]);
  });
});

describe('OpalSimulator: refusing the trigger', () => {
  async function refused(req: OpalHttpRequest, status: number, over: Partial<OpalSimulatorOptions> = {}) {
    const r = await receiver();
    const sim = simulator(over);
    const res = await sim.transport({ ...req, body: req.body.replace('CALLBACK', r.url) });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.bodyText)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    expect(sim.activeRuns()).toBe(0);
    await pause(40);
    expect(r.received).toHaveLength(0);
    return res;
  }

  it('a wrong or missing bearer is a 401 and nothing is posted', async () => {
    const res = await refused(request('CALLBACK', { headers: { Authorization: 'Bearer wrong' } }), 401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    const missing = request('CALLBACK');
    delete missing.headers.Authorization;
    await refused(missing, 401);
    await refused(request('CALLBACK', { headers: { Authorization: `Basic ${AUTH_KEY}` } }), 401);
  });

  it('a workflow other than strategy_workflow is refused and nothing is posted', async () => {
    await refused(request('CALLBACK', { body: { workflow_name: 'other_workflow', input_data: {}, metadata: { callback_url: 'CALLBACK' } } }), 403);
    await refused(request('CALLBACK', { body: { input_data: {}, metadata: { callback_url: 'CALLBACK' } } }), 400);
  });

  it('a body Opal could not read is refused', async () => {
    await refused({ ...request('CALLBACK'), body: '{not json' }, 400);
    await refused(request('CALLBACK', { headers: { 'Content-Type': 'text/plain' } }), 415);
    await refused(request('CALLBACK', { body: { workflow_name: STRATEGY_WORKFLOW, input_data: 'x', metadata: { callback_url: 'CALLBACK' } } }), 400);
    await refused(request('CALLBACK', { body: { workflow_name: STRATEGY_WORKFLOW, input_data: {}, metadata: { callback_url: 'ftp://x/y' } } }), 400);
  });

  it('http_status answers the trigger with that status and starts nothing', async () => {
    await refused(request('CALLBACK', { scenario: { http_status: 500 } }), 500);
    const busy = await refused(request('CALLBACK', { scenario: { http_status: 429 } }), 429);
    expect(busy.headers['retry-after']).toBe('1');
    await refused(request('CALLBACK', { scenario: { http_status: 401 } }), 401);
  });

  it('an invalid scenario is a 400 naming the field', async () => {
    const res = await refused(request('CALLBACK', { scenario: { fail_agents: ['geo_audti'] } }), 400);
    expect(res.bodyText).toContain('metadata.simulator_scenario.fail_agents.0');
    await refused(request('CALLBACK', { scenario: { fail_agent: ['geo_audit'] } as SimulatorScenario }), 400);
  });

  it('ignores scenarios when they are not allowed', async () => {
    const r = await receiver();
    const log = logs();
    const sim = simulator({ allowScenarios: false, logger: log.logger });
    await start(sim, r.url, { http_status: 500, fail_agents: ['geo_audit'], stop_after: 1, workflow_failure: true });
    await finished(sim);
    expect(types(r)).toEqual(EXPECTED_TYPES);
    expect(log.warnings().join('\n')).toContain('simulator_scenario ignored');
  });

  it('rejects a request whose signal is already aborted, like a real transport', async () => {
    const r = await receiver();
    const sim = simulator();
    await expect(sim.transport(request(r.url, { signal: AbortSignal.abort() }))).rejects.toMatchObject({ name: 'AbortError' });
    expect(sim.activeRuns()).toBe(0);
  });
});

describe('OpalSimulator: delivery', () => {
  it('retries 503 honouring Retry-After and delivers once the receiver recovers', async () => {
    const r = await receiver((_body, i) => (i < 2 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 202 }));
    // A back-off of a minute: only honouring "Retry-After: 0" finishes in time.
    const sim = simulator({ deliveryPolicy: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000, requestTimeoutMs: 2000 } });
    await start(sim, r.url);
    await finished(sim, 3000);
    expect(r.received).toHaveLength(22);
    expect(r.received.slice(0, 3).map((c) => [c.body.offset, c.status])).toEqual([
      [0, 503],
      [0, 503],
      [0, 202],
    ]);
    expect(r.received.filter((c) => c.status === 202).map((c) => c.body.offset)).toEqual([...Array(20).keys()]);
  });

  it('waits as long as Retry-After says', async () => {
    const r = await receiver((_body, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 202 }));
    const sim = simulator({ deliveryPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 60_000, requestTimeoutMs: 2000 } });
    await start(sim, r.url, { stop_after: 1 });
    await finished(sim);
    expect(r.received.map((c) => c.status)).toEqual([429, 202]);
    expect(r.received[1]!.at - r.received[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('treats 409 as delivered and goes on', async () => {
    const log = logs();
    const r = await receiver(() => ({ status: 409 }));
    const sim = simulator({ logger: log.logger });
    await start(sim, r.url);
    await finished(sim);
    expect(r.received).toHaveLength(20);
    // A 409 on the very first post means the receiver knew the workflow id already.
    expect(log.warnings()).toEqual([expect.stringContaining('already had this workflow id')]);
  });

  it('gives up on one callback after five tries and goes on with the next', async () => {
    const log = logs();
    const r = await receiver((body) => (body.offset === 1 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 202 }));
    const sim = simulator({ logger: log.logger });
    await start(sim, r.url);
    await finished(sim);
    expect(r.received.filter((c) => c.body.offset === 1)).toHaveLength(5);
    expect(r.received).toHaveLength(24);
    expect(log.warnings()).toEqual([expect.stringContaining('not delivered after retries')]);
  });

  it('stops a workflow’s callbacks when the receiver refuses one with another 4xx', async () => {
    const log = logs();
    const r = await receiver((body) => (body.offset === 3 ? { status: 400 } : { status: 202 }));
    const sim = simulator({ logger: log.logger });
    await start(sim, r.url);
    await finished(sim);
    await pause(40);
    expect(r.received.map((c) => c.body.offset)).toEqual([0, 1, 2, 3]);
    expect(log.warnings()).toEqual([expect.stringContaining('refused')]);
  });

  it('retries connection errors a bounded number of times', async () => {
    const port = await freePort();
    let calls = 0;
    const fetchImpl: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const sim = simulator({ fetchImpl, deliveryPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5, requestTimeoutMs: 2000 } });
    await start(sim, `http://127.0.0.1:${port}/api/webhooks/opal-workflow`, { stop_after: 2 });
    await finished(sim);
    expect(calls).toBe(10);
  });
});

describe('OpalSimulator: stop()', () => {
  it('cancels pending callbacks: nothing arrives after it resolves', async () => {
    const r = await receiver();
    const sim = simulator({ delayMs: 30 });
    await start(sim, r.url);
    await vi.waitFor(() => expect(r.received.length).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 5 });
    await sim.stop();
    const count = r.received.length;
    expect(sim.activeRuns()).toBe(0);
    await pause(150);
    expect(r.received.length).toBe(count);
    expect(count).toBeLessThan(20);
    const after = await sim.transport(request(r.url));
    expect(after.status).toBe(503);
  });

  it('leaves no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;
    const r = await receiver();
    const before = timers();
    const sim = simulator({ delayMs: 60_000 });
    await start(sim, r.url);
    await start(sim, r.url);
    expect(timers()).toBeGreaterThanOrEqual(before + 2);
    await sim.stop();
    // At most: an idle keep-alive socket of an earlier test may time out meanwhile.
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('cuts a long Retry-After back-off short', async () => {
    const r = await receiver(() => ({ status: 503, headers: { 'retry-after': '30' } }));
    const sim = simulator();
    await start(sim, r.url);
    await vi.waitFor(() => expect(r.received.length).toBe(1), { timeout: 5000, interval: 5 });
    const t0 = Date.now();
    await sim.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(sim.activeRuns()).toBe(0);
  });
});

describe('OpalSimulator: options', () => {
  it('refuses a configuration it cannot run with', () => {
    const base = { secret: SECRET, authKey: AUTH_KEY, delayMs: 5, failureRate: 0, allowScenarios: true };
    expect(() => new OpalSimulator({ ...base, secret: '' })).toThrow(/secret/);
    expect(() => new OpalSimulator({ ...base, authKey: '' })).toThrow(/authKey/);
    expect(() => new OpalSimulator({ ...base, failureRate: 1.5 })).toThrow(/failureRate/);
    expect(() => new OpalSimulator({ ...base, failureRate: Number.NaN })).toThrow(/failureRate/);
    expect(() => new OpalSimulator({ ...base, delayMs: -1 })).toThrow(/delayMs/);
  });
});
