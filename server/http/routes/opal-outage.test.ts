import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpal, startFakeOpal } from '../../test-support/fake-opal';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';

interface Json {
  [k: string]: unknown;
}
interface Answer {
  status: number;
  retryAfter: string | null;
  body: Json;
  ms: number;
}

// The client's defaults (opal-client.ts): the circuit needs 5 calls in its window and opens at 50 % failures.
const VOLUME_THRESHOLD = 5;
const RESET_TIMEOUT_S = 30;
const MAX_ATTEMPTS = 3;
const TIMEOUT_MS = 2_000;
/** Room for a slow, shared machine on top of what the client itself may spend. */
const SLACK_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function forceSync(url: string): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${url}/api/opal/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body = (await res.json()) as Json;
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body, ms: Date.now() - started };
}

async function circuitState(url: string): Promise<string> {
  const body = (await (await fetch(`${url}/api/opal/sync`)).json()) as { opal: { circuit: { state: string } } };
  return body.opal.circuit.state;
}

function expectCircuitOpenAnswer(a: Answer) {
  expect(a.status).toBe(503);
  expect(a.body).toEqual({
    success: false,
    error: 'Opal Unavailable',
    message: expect.stringMatching(/circuit open/),
    correlation_id: expect.any(String),
    details: { opal_outcome: 'circuit_open', attempts: 0, may_have_started: false, sync_id: expect.any(String) },
  });
  const retryAfter = Number(a.retryAfter);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(RESET_TIMEOUT_S);
}

describe.each(testDrivers)('POST /api/opal/sync through an Opal outage on %s', (driver) => {
  let s: TestServer | undefined;
  let opal: FakeOpal | undefined;
  const start = async () => {
    opal = await startFakeOpal();
    // A 5 s open circuit instead of 30 s: the recovery below waits it out on each database.
    s = await startTestServer(driver, { opal: { webhookUrl: opal.url, timeoutMs: TIMEOUT_MS, circuitResetMs: 5_000 } });
    return { s, opal };
  };
  afterEach(async () => {
    await s?.stop();
    await opal?.close();
    s = undefined;
    opal = undefined;
  });

  it('Opal hangs: every call ends by the time-out, the circuit opens, refusals are immediate, and after Retry-After a probe closes it again', { timeout: 120_000 }, async () => {
    const { s, opal } = await start();
    opal.setBehaviour({ kind: 'hang' });

    // Concurrent callers while Opal hangs: each answers 502 by its own time-out, none waits on another.
    const hung = await Promise.all(Array.from({ length: VOLUME_THRESHOLD + 1 }, () => forceSync(s.url)));
    for (const a of hung) {
      expect(a.status).toBe(502);
      expect(a.body).toMatchObject({ success: false, error: 'Opal Error', details: { opal_outcome: 'timeout_after_send', may_have_started: true, attempts: 1 } });
      expect(a.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }
    expect(opal.requests).toHaveLength(VOLUME_THRESHOLD + 1);
    expect(await circuitState(s.url)).toBe('open');

    // Open: answered at once, well inside the time-out, without a request to Opal.
    const refused = await Promise.all(Array.from({ length: 4 }, () => forceSync(s.url)));
    for (const a of refused) {
      expectCircuitOpenAnswer(a);
      expect(a.ms).toBeLessThan(TIMEOUT_MS / 2);
    }
    expect(opal.requests).toHaveLength(VOLUME_THRESHOLD + 1);

    // Opal recovers; a client that honours Retry-After finds the circuit half-open and its call is the probe.
    opal.setBehaviour({ kind: 'ok', workflowId: 'wf-after-outage' });
    const waitS = Math.max(...refused.map((a) => Number(a.retryAfter)));
    await sleep(waitS * 1000 + 250);
    let state = await circuitState(s.url);
    for (let i = 0; i < 50 && state !== 'half_open'; i++) {
      await sleep(200);
      state = await circuitState(s.url);
    }
    expect(state).toBe('half_open');
    const probe = await forceSync(s.url);
    expect(probe.status).toBe(200);
    expect(probe.body).toMatchObject({ success: true, sync_details: { external_opal: { triggered: true, workflow_id: 'wf-after-outage', mode: 'live' } } });
    expect(await circuitState(s.url)).toBe('closed');
    expect((await forceSync(s.url)).status).toBe(200);
    expect(opal.requests).toHaveLength(VOLUME_THRESHOLD + 3);
    console.info(
      `opal outage (${driver}, hang): ${hung.length} hung calls answered 502 in ${Math.min(...hung.map((a) => a.ms))}-${Math.max(...hung.map((a) => a.ms))} ms ` +
        `(time-out ${TIMEOUT_MS} ms); ${refused.length} refusals while open in ${Math.max(...refused.map((a) => a.ms))} ms at most; Retry-After ${waitS} s`,
    );
  });

  it('Opal fails with 500: one attempt each (it may have started), then the circuit opens and Opal is left alone', { timeout: 60_000 }, async () => {
    const { s, opal } = await start();
    opal.setBehaviour({ kind: 'status', status: 500 });
    const answers: Answer[] = [];
    for (let i = 0; i < 2 * VOLUME_THRESHOLD; i++) {
      const a = await forceSync(s.url);
      answers.push(a);
      if (a.status === 503) break;
    }
    const failed = answers.filter((a) => a.status === 502);
    expect(failed.length).toBeGreaterThanOrEqual(VOLUME_THRESHOLD);
    for (const a of failed) expect(a.body).toMatchObject({ details: { opal_outcome: 'server_error', opal_status: 500, attempts: 1, may_have_started: true } });
    expect(answers.length).toBeLessThan(2 * VOLUME_THRESHOLD);
    expectCircuitOpenAnswer(answers.at(-1)!);
    // One request per failed call, none once the circuit is open.
    expect(opal.requests).toHaveLength(failed.length);
    for (let i = 0; i < 3; i++) expectCircuitOpenAnswer(await forceSync(s.url));
    expect(opal.requests).toHaveLength(failed.length);
  });

  it('Opal answers 429: each call retries within its bound and answers 503 with Retry-After; repeated, the circuit opens', { timeout: 60_000 }, async () => {
    const { s, opal } = await start();
    opal.setBehaviour({ kind: 'status', status: 429, retryAfter: '0' });
    // Every attempt of every call, plus the back-off between them (250 ms, then 500 ms at most).
    const bound = MAX_ATTEMPTS * TIMEOUT_MS + 750 + SLACK_MS;
    const limited = await Promise.all(Array.from({ length: VOLUME_THRESHOLD }, () => forceSync(s.url)));
    for (const a of limited) {
      expect(a.status).toBe(503);
      expect(a.body).toMatchObject({ success: false, error: 'Opal Unavailable', correlation_id: expect.any(String), details: { opal_outcome: 'rate_limited', attempts: MAX_ATTEMPTS, may_have_started: false } });
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.ms).toBeLessThan(bound);
    }
    expect(opal.requests).toHaveLength(VOLUME_THRESHOLD * MAX_ATTEMPTS);
    expect(await circuitState(s.url)).toBe('open');
    expectCircuitOpenAnswer(await forceSync(s.url));
    expect(opal.requests).toHaveLength(VOLUME_THRESHOLD * MAX_ATTEMPTS);
  });
});
