import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpal, type FakeOpal } from '../../../test-support/fake-opal';
import { DomainError } from '../../errors';
import { createOpalClient, type OpalClient, type OpalClientOptions, type TriggerWorkflowInput } from './opal-client';
import { fetchTransport } from './opal-transport';

let opal: FakeOpal;
const clients: OpalClient[] = [];
const RESET_MS = 400;

function client(over: Partial<OpalClientOptions> = {}): OpalClient {
  const c = createOpalClient({
    url: opal.url,
    authKey: 'circuit-test-key-0123456789abcdefghij',
    timeoutMs: 2000, // generous: these tests are about the circuit, not time-outs, and CI machines are busy
    transport: fetchTransport(),
    baseBackoffMs: 5,
    circuit: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: RESET_MS },
    ...over,
  });
  clients.push(c);
  return c;
}

const input: TriggerWorkflowInput = {
  correlationId: 'circuit-test',
  inputData: { client_name: 'ACME' },
  callbackUrl: 'http://127.0.0.1:3000/api/webhooks/opal-workflow',
  triggerTimestamp: new Date(),
};

const failure = async (p: Promise<unknown>): Promise<DomainError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
};
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  opal = await startFakeOpal();
});
afterAll(async () => {
  await opal.close();
});
beforeEach(async () => {
  await opal.acceptConnections();
  opal.requests.length = 0;
});
afterEach(() => {
  for (const c of clients.splice(0)) c.shutdown();
});

async function openCircuit(c: OpalClient) {
  opal.setBehaviour({ kind: 'status', status: 500 });
  for (let i = 0; i < 3; i++) expect((await failure(c.triggerWorkflow(input))).kind).toBe('Upstream');
  expect(c.circuitState()).toBe('open');
  expect(opal.requests).toHaveLength(3);
}

describe('Opal client: circuit breaker', () => {
  it('opens after repeated 500s and then answers 503 at once without calling Opal', async () => {
    const c = client();
    expect(c.circuitState()).toBe('closed');
    await openCircuit(c);
    const t0 = performance.now();
    const e = await failure(c.triggerWorkflow(input));
    expect(performance.now() - t0).toBeLessThan(50);
    expect(e.kind).toBe('Unavailable');
    expect(e.retryAfterSeconds).toBe(1); // ceil(400 ms until the half-open probe)
    expect(e.details).toEqual({ opal_outcome: 'circuit_open', attempts: 0, may_have_started: false });
    expect(opal.requests).toHaveLength(3);
    const s = c.stats();
    expect(s).toMatchObject({ state: 'open', failures: 3, rejects: 1 });
    expect(Date.parse(s.openedAt!)).toBeGreaterThan(Date.now() - 5000);
  });

  it('reports the time until the half-open probe as Retry-After', async () => {
    const c = client({ circuit: { volumeThreshold: 3, resetTimeoutMs: 10_000 } });
    await openCircuit(c);
    const e = await failure(c.triggerWorkflow(input));
    expect(e.retryAfterSeconds).toBe(10);
  });

  it('lets one half-open probe through after resetTimeoutMs; its success closes the circuit', async () => {
    const c = client();
    await openCircuit(c);
    await wait(RESET_MS + 50);
    expect(c.circuitState()).toBe('half_open');
    opal.setBehaviour({ kind: 'ok', workflowId: 'wf-probe' });
    expect((await c.triggerWorkflow(input)).workflowId).toBe('wf-probe');
    expect(c.circuitState()).toBe('closed');
    expect(c.stats().openedAt).toBeNull();
    expect((await c.triggerWorkflow(input)).attempts).toBe(1);
  });

  it('refuses other calls while the probe is in flight, and a failed probe opens it again', async () => {
    const c = client();
    await openCircuit(c);
    await wait(RESET_MS + 50);
    opal.setBehaviour({ kind: 'hang' });
    const probe = failure(c.triggerWorkflow(input));
    const during = await failure(c.triggerWorkflow(input));
    expect(during.details).toMatchObject({ opal_outcome: 'circuit_open' });
    expect(during.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((await probe).details).toMatchObject({ opal_outcome: 'timeout_after_send' });
    expect(c.circuitState()).toBe('open');
    expect(opal.requests).toHaveLength(4);
  });

  it('counts a whole retried call once', async () => {
    const c = client();
    await opal.refuseConnections();
    for (let i = 0; i < 2; i++) expect((await failure(c.triggerWorkflow(input))).details).toMatchObject({ attempts: 3 });
    expect(c.circuitState()).toBe('closed');
    expect(c.stats().failures).toBe(2);
    expect((await failure(c.triggerWorkflow(input))).details).toMatchObject({ opal_outcome: 'connect_failed' });
    expect(c.circuitState()).toBe('open');
  });

  it('does not open for Opal refusing the request (a bad key is not an outage)', async () => {
    const c = client();
    opal.setBehaviour({ kind: 'status', status: 401 });
    for (let i = 0; i < 10; i++) {
      const e = await failure(c.triggerWorkflow(input));
      expect(e.details).toMatchObject({ opal_outcome: 'refused', opal_status: 401 });
    }
    expect(c.circuitState()).toBe('closed');
    expect(opal.requests).toHaveLength(10);
    expect(c.stats()).toMatchObject({ state: 'closed', failures: 0, rejects: 0 });
  });

  it('answers 503 after shutdown without calling Opal', async () => {
    const c = client();
    c.shutdown();
    const e = await failure(c.triggerWorkflow(input));
    expect(e.kind).toBe('Unavailable');
    expect(e.details).toMatchObject({ opal_outcome: 'circuit_open', attempts: 0 });
    expect(opal.requests).toHaveLength(0);
  });
});
