import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRequests } from '../../db/schema';
import { type FakeOpal, startFakeOpal } from '../../test-support/fake-opal';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';

interface Json {
  [k: string]: unknown;
}
async function call(url: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

async function pollUntil(url: string, syncId: string, done: (b: Json) => boolean, ms = 20_000): Promise<Json> {
  const until = Date.now() + ms;
  for (;;) {
    const r = await call(url, `/api/opal/sync/${syncId}`);
    if (done(r.body) || Date.now() > until) return r.body;
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe.each(testDrivers)('force sync against the built-in simulator on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { opal: { simulator: { delayMs: 5, failureRate: 0 } } });
  });
  afterAll(() => s?.stop());

  it('answers the runbook shape, then polling shows nine completed agents and a completed workflow', async () => {
    const r = await call(s.url, '/api/opal/sync', { body: { sync_scope: 'priority_platforms', client_context: { client_name: 'Test Client', industry: 'Technology' } } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      sync_id: expect.any(String),
      correlation_id: expect.stringMatching(/^force-sync-\d+-[0-9a-f]+$/),
      message: expect.any(String),
      sync_details: {
        internal_workflow: { enabled: true, workflow_id: r.body.sync_id },
        external_opal: { triggered: true, workflow_id: expect.stringMatching(/^sim-wf-/), ai_agents_count: 9, mode: 'simulator' },
      },
      polling_url: expect.stringContaining(`/api/opal/sync/${String(r.body.sync_id)}`),
    });
    expect(r.headers.get('x-correlation-id')).toBe(r.body.correlation_id);
    const status = await pollUntil(s.url, String(r.body.sync_id), (b) => b.status === 'completed');
    expect(status.status).toBe('completed');
    expect(status.progress).toEqual({ agents_total: 9, agents_completed: 9, agents_failed: 0, agents_running: 0, agents_pending: 0 });
    expect((status.events as unknown[]).length).toBe(20);
    expect((status.workflow as Json).workflow_id).toBe((r.body.sync_details as { external_opal: Json }).external_opal.workflow_id);
  });

  it('follows a scenario from metadata: a failing agent and a failed workflow are shown as such', async () => {
    const r = await call(s.url, '/api/opal/sync', {
      body: { metadata: { simulator_scenario: { fail_agents: ['geo_audit'], workflow_failure: true } } },
    });
    const status = await pollUntil(s.url, String(r.body.sync_id), (b) => b.status === 'failed');
    expect(status.status).toBe('failed');
    const geo = (status.agents as Json[]).find((a) => a.agent_id === 'geo_audit')!;
    expect(geo).toMatchObject({ status: 'failed', error: expect.any(String) });
    expect((status.progress as Json).agents_failed).toBe(1);
  });

  it('accepts the orchestration trigger for strategy_workflow and refuses any other workflow with 403', async () => {
    const ok = await call(s.url, '/api/orchestrations/trigger', {
      body: { workflow_name: 'strategy_workflow', session_id: 'session_123', client_name: 'ACME Corp' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, session_id: 'session_123', status: 'triggered', workflow_id: expect.stringMatching(/^sim-wf-/) });
    const other = await call(s.url, '/api/orchestrations/trigger', { body: { workflow_name: 'content_workflow' } });
    expect(other.status).toBe(403);
    expect(other.body.message).toMatch(/Only strategy_workflow/);
  });

  it.each([
    ['an unknown field', { sync_scope: 'all_platforms', surprise: 1 }, 'surprise'],
    ['an invalid e-mail', { client_context: { recipients: ['not-an-email'] } }, 'client_context.recipients.0'],
    ['a wrong type', { include_rag_update: 'yes' }, 'include_rag_update'],
    ['an unknown scope', { sync_scope: 'everything' }, 'sync_scope'],
  ])('refuses %s with 400 naming the field, and calls nobody', async (_name, body, path) => {
    const r = await call(s.url, '/api/opal/sync', { body });
    expect(r.status).toBe(400);
    expect((r.body.details as { field_errors: { path: string }[] }).field_errors.map((f) => f.path)).toContain(path);
  });

  it('refuses an empty session_id and malformed JSON with 400, and a non-JSON body with 415', async () => {
    const empty = await call(s.url, '/api/orchestrations/trigger', { body: { workflow_name: 'strategy_workflow', session_id: '' } });
    expect(empty.status).toBe(400);
    const malformed = await call(s.url, '/api/opal/sync', { body: '{"sync_scope":' });
    expect(malformed.status).toBe(400);
    const form = await call(s.url, '/api/opal/sync', { body: 'a=b', headers: { 'content-type': 'text/plain' } });
    expect(form.status).toBe(415);
  });

  it('reports configuration without secrets: workflow_security as the runbook shows', async () => {
    const r = await call(s.url, '/api/opal/sync');
    expect(r.status).toBe(200);
    expect(r.body.workflow_security).toEqual({
      allowed_workflow: 'strategy_workflow',
      account_validation: true,
      security_note: 'ONLY strategy_workflow is permitted',
    });
    expect(r.body.opal).toMatchObject({ mode: 'simulator', circuit: { state: 'closed' } });
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(s.config.opal.authKey);
    expect(text).not.toContain(s.config.webhook.secrets[0]!);
  });

  it('describes the trigger route', async () => {
    const r = await call(s.url, '/api/orchestrations/trigger');
    expect(r.body).toMatchObject({ success: true, allowed_workflows: ['strategy_workflow'] });
  });

  it('answers 404 for an unknown or malformed sync id', async () => {
    expect((await call(s.url, '/api/opal/sync/7d7d7d7d-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await call(s.url, "/api/opal/sync/' or 1=1 --")).status).toBe(404);
  });
});

describe.each(testDrivers)('force sync against a fake Opal on %s', (driver) => {
  let s: TestServer;
  let opal: FakeOpal;
  beforeAll(async () => {
    opal = await startFakeOpal();
    s = await startTestServer(driver, { opal: { webhookUrl: opal.url, timeoutMs: 300 } });
  });
  afterAll(async () => {
    await s?.stop();
    await opal?.close();
  });
  const syncRow = async (syncId: string) => (await s.ctx.db.select().from(syncRequests).where(eq(syncRequests.syncId, syncId)))[0]!;

  it("calls Opal with the bearer key, the correlation id and the workflow's inputs, and records the sync", async () => {
    opal.setBehaviour({ kind: 'ok', workflowId: 'strategy_workflow_456', sessionId: 'opal-sess-1' });
    const before = opal.requests.length;
    const r = await call(s.url, '/api/opal/sync', { body: { sync_scope: 'odp_only', client_context: { client_name: 'ACME', recipients: ['ops@acme.test'] } } });
    expect(r.status).toBe(200);
    expect((r.body.sync_details as { external_opal: Json }).external_opal).toMatchObject({ workflow_id: 'strategy_workflow_456', session_id: 'opal-sess-1', mode: 'live' });
    const req = opal.requests[before]!;
    expect(req.headers.authorization).toBe(`Bearer ${s.config.opal.authKey}`);
    expect(req.headers['x-correlation-id']).toBe(r.body.correlation_id);
    expect(req.body).toMatchObject({
      workflow_name: 'strategy_workflow',
      input_data: { client_name: 'ACME', recipients: ['ops@acme.test'], sync_scope: 'odp_only', force_sync: true },
      metadata: { correlation_id: r.body.correlation_id, callback_url: expect.stringContaining('/api/webhooks/opal-workflow') },
    });
    expect(await syncRow(String(r.body.sync_id))).toMatchObject({ status: 'triggered', opalWorkflowId: 'strategy_workflow_456', errorKind: null });
    const polled = await call(s.url, `/api/opal/sync/${String(r.body.sync_id)}`);
    expect(polled.body).toMatchObject({ status: 'waiting_for_callbacks', progress: { agents_pending: 9 } });
  });

  it('returns the first answer again for a repeated Idempotency-Key without calling Opal twice', async () => {
    opal.setBehaviour({ kind: 'ok', workflowId: 'wf-idem' });
    const before = opal.requests.length;
    const headers = { 'idempotency-key': 'key-123' };
    const first = await call(s.url, '/api/opal/sync', { body: { sync_scope: 'all_platforms' }, headers });
    const again = await call(s.url, '/api/opal/sync', { body: { sync_scope: 'all_platforms' }, headers });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(opal.requests.length - before).toBe(1);
    const different = await call(s.url, '/api/opal/sync', { body: { sync_scope: 'odp_only' }, headers });
    expect(different.status).toBe(422);
  });

  it('answers 409 for the same Idempotency-Key while the first is still in flight', async () => {
    opal.setBehaviour({ kind: 'hang' });
    const headers = { 'idempotency-key': 'key-in-flight' };
    const first = call(s.url, '/api/opal/sync', { body: {}, headers });
    await new Promise((r) => setTimeout(r, 100));
    const second = await call(s.url, '/api/opal/sync', { body: {}, headers });
    expect(second.status).toBe(409);
    expect((await first).status).toBe(502);
  });

  it('reports Opal refusing with 502 naming its status, records the failure, and does not remember it', async () => {
    opal.setBehaviour({ kind: 'status', status: 401, body: '{"error":"bad key"}' });
    const headers = { 'idempotency-key': 'key-after-401' };
    const r = await call(s.url, '/api/opal/sync', { body: {}, headers });
    expect(r.status).toBe(502);
    expect(r.body.message).toMatch(/401/);
    expect(JSON.stringify(r.body)).not.toContain(s.config.opal.authKey);
    const syncId = String((r.body.details as Json).sync_id);
    expect(await syncRow(syncId)).toMatchObject({ status: 'failed', errorKind: 'Upstream', opalOutcome: 'refused' });
    const polled = await call(s.url, `/api/opal/sync/${syncId}`);
    expect(polled.body).toMatchObject({ status: 'failed', opal: { outcome: 'refused' } });
    opal.setBehaviour({ kind: 'ok', workflowId: 'wf-after-fix' });
    const retried = await call(s.url, '/api/opal/sync', { body: {}, headers });
    expect(retried.status).toBe(200);
  });

  it('answers 503 with Retry-After when Opal keeps answering 429', async () => {
    opal.setBehaviour({ kind: 'status', status: 429, retryAfter: '0' });
    const r = await call(s.url, '/api/opal/sync', { body: {} });
    expect(r.status).toBe(503);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(0);
  });

  it('reports a time-out after sending as 502 that may have started the workflow', async () => {
    opal.setBehaviour({ kind: 'hang' });
    const r = await call(s.url, '/api/opal/sync', { body: {} });
    expect(r.status).toBe(502);
    expect(r.body.details).toMatchObject({ opal_outcome: 'timeout_after_send', may_have_started: true });
  });
});

describe.each(testDrivers)('API keys on %s', (driver) => {
  let s: TestServer;
  const keys = {
    client: 'client-key-0123456789abcdef0123456789abcdef',
    viewer: 'viewer-key-0123456789abcdef0123456789abcdef',
  };
  beforeAll(async () => {
    s = await startTestServer(driver, {
      opal: { simulator: { delayMs: 5, failureRate: 0 } },
      apiKeys: [
        { name: 'acme-app', role: 'client', key: keys.client },
        { name: 'dashboards', role: 'viewer', key: keys.viewer },
      ],
    });
  });
  afterAll(() => s?.stop());

  it('requires a valid key with a client role: 401 without, 403 with too weak a role, 200 with it', async () => {
    expect((await call(s.url, '/api/opal/sync', { body: {} })).status).toBe(401);
    expect((await call(s.url, '/api/opal/sync', { body: {}, headers: { authorization: 'Bearer wrong-key' } })).status).toBe(401);
    const weak = await call(s.url, '/api/opal/sync', { body: {}, headers: { authorization: `Bearer ${keys.viewer}` } });
    expect(weak.status).toBe(403);
    const ok = await call(s.url, '/api/opal/sync', { body: {}, headers: { authorization: `Bearer ${keys.client}` } });
    expect(ok.status).toBe(200);
    const [row] = await s.ctx.db.select().from(syncRequests).where(eq(syncRequests.syncId, String(ok.body.sync_id)));
    expect(row!.caller).toBe('acme-app');
    // The configuration check stays open and says nothing secret.
    const check = await call(s.url, '/api/opal/sync');
    expect(check.status).toBe(200);
    expect(JSON.stringify(check.body)).not.toContain(keys.client);
    expect(s.logs.join('')).not.toContain(keys.client);
  });
});
