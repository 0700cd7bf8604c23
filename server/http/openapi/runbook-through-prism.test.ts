/**
 * The runbook's curl calls, with the success and failure cases of every
 * route, sent through Stoplight Prism's validating proxy in front of a real
 * server: Prism checks each request and each answer against the server's own
 * GET /api/openapi.json and reports what does not match in `sl-violations`.
 * Bodies go as compact JSON (Prism re-serialises JSON, which a signature over
 * other bytes would not survive); malformed JSON goes to the server directly
 * elsewhere (Prism never answers it: server/test-support/prism-proxy.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrismProxy, type PrismViolation, startPrismProxy } from '../../test-support/prism-proxy';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa, postStandard } from '../../test-support/webhook-client';

interface Call {
  name: string;
  method?: 'GET' | 'POST';
  path: string | (() => string);
  body?: unknown;
  /** Sent as the runbook's `curl -d` sends it: form-encoded JSON text. */
  form?: string;
  headers?: Record<string, string>;
  status: number;
  /** A deliberately bad request: Prism must name it (request violations), and the answer must still match the document. */
  bad?: true;
}

const FORCE_SYNC = { sync_scope: 'priority_platforms', client_context: { client_name: 'Test Client', industry: 'Technology' } };
const TRIGGER = { workflow_name: 'strategy_workflow', session_id: 'session_123', client_name: 'ACME Corp' };

describe('the runbook through Prism', () => {
  let s: TestServer;
  let prism: PrismProxy;
  let syncId = '';
  let workflowId = '';
  const seen = new Set<string>();

  beforeAll(async () => {
    s = await startTestServer('pglite', { opal: { simulator: { delayMs: 1, failureRate: 0 } } });
    prism = await startPrismProxy({ document: `${s.url}/api/openapi.json`, upstream: s.url });
  }, 60_000);
  afterAll(async () => {
    await prism?.close();
    await s?.stop();
  });

  async function send(c: Call) {
    const path = typeof c.path === 'function' ? c.path() : c.path;
    const method = c.method ?? (c.body !== undefined || c.form !== undefined ? 'POST' : 'GET');
    const headers: Record<string, string> = { ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(c.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...c.headers };
    const res = await fetch(`${prism.url}${path}`, {
      method,
      headers,
      ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : c.form !== undefined ? { body: c.form } : {}),
    });
    const text = await res.text();
    seen.add(`${method} ${res.status}`);
    return { status: res.status, violations: prism.violationsOf(res), body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text };
  }

  const calls: Call[] = [
    { name: 'health', path: '/api/health', status: 200 },
    { name: 'the document', path: '/api/openapi.json', status: 200 },
    { name: 'environment validation', path: '/api/opal/sync', status: 200 },
    { name: 'force sync (section 1)', path: '/api/opal/sync', body: FORCE_SYNC, status: 200 },
    { name: 'force sync, smoke test', path: '/api/opal/sync', body: { sync_scope: 'priority_platforms' }, headers: { 'Idempotency-Key': 'runbook-1' }, status: 200 },
    { name: 'force sync, same key, another body', path: '/api/opal/sync', body: { sync_scope: 'odp_only' }, headers: { 'Idempotency-Key': 'runbook-1' }, status: 422 },
    { name: 'force sync, an unknown field', path: '/api/opal/sync', body: { sync_scope: 'priority_platforms', bogus: 1 }, status: 400 , bad: true },
    { name: 'force sync, a form body', path: '/api/opal/sync', form: 'sync_scope=priority_platforms', status: 415 , bad: true },
    { name: 'polling', path: () => `/api/opal/sync/${syncId}`, status: 200 },
    { name: 'polling an unknown sync', path: '/api/opal/sync/00000000-0000-4000-8000-000000000000', status: 404 },
    { name: 'orchestration smoke test', path: '/api/orchestrations/trigger', status: 200 },
    { name: 'orchestration trigger (section 2)', path: '/api/orchestrations/trigger', body: TRIGGER, status: 200 },
    { name: 'another workflow', path: '/api/orchestrations/trigger', body: { ...TRIGGER, workflow_name: 'other_workflow' }, status: 403 },
    { name: 'webhook receiver smoke test', path: '/api/webhooks/opal-workflow', status: 200 },
    { name: 'diagnostics', path: '/api/diagnostics/last-webhook?limit=10&status=failed', status: 200 },
    { name: 'diagnostics, performance metrics', path: '/api/diagnostics/last-webhook?limit=100', status: 200 },
    { name: 'diagnostics, data recovery window', path: '/api/diagnostics/last-webhook?start_date=2024-01-15T00:00:00Z&end_date=2024-01-15T23:59:59Z', status: 200 },
    { name: 'diagnostics, a bad limit', path: '/api/diagnostics/last-webhook?limit=abc', status: 400 },
    { name: 'test_configuration', path: '/api/diagnostics/last-webhook', form: '{"action": "test_configuration"}', status: 200 },
    { name: 'cleanup_old_events', path: '/api/diagnostics/last-webhook', form: '{"action": "cleanup_old_events", "retention_days": 30}', status: 200 },
    { name: 'an unknown action', path: '/api/diagnostics/last-webhook', form: '{"action": "drop_everything"}', status: 400 },
    { name: 'replay dry run (section 5)', path: '/api/orchestrations/replay', body: {}, status: 200 },
    { name: 'replay of an unknown workflow', path: '/api/orchestrations/replay', body: { workflow_id: 'wf_123', dry_run: true }, status: 404 },
    { name: 'replay, an unknown option', path: '/api/orchestrations/replay', body: { workflow_id: 'wf_123', replay_options: { everything: true } }, status: 400 , bad: true },
    { name: 'bulk replay dry run', path: '/api/orchestrations/replay/bulk', body: { dry_run: true }, status: 200 },
    { name: 'replay history', path: '/api/orchestrations/replay', status: 200 },
    { name: 'metrics', path: '/api/metrics?range=24h', status: 200 },
    { name: 'metrics, a bad range', path: '/api/metrics?range=forever', status: 400 , bad: true },
    { name: 'Prometheus', path: '/metrics', status: 200 },
    { name: 'alerts', path: '/api/alerts?status=all', status: 200 },
    { name: 'tool discovery', path: '/api/opal/discovery', status: 200 },
    { name: 'tool call', path: '/api/opal/tools/send_workflow_event', body: { parameters: makeEvent() }, status: 202 },
    { name: 'tool call without parameters', path: '/api/opal/tools/send_workflow_event', body: { nothing: true }, status: 400 , bad: true },
    { name: 'session', path: '/api/auth/session', status: 200 },
    { name: 'sign-in without a password', path: '/api/auth/login', body: { email: 'ada@example.test' }, status: 400 , bad: true },
    { name: 'sign-out', method: 'POST', path: '/api/auth/logout', status: 200 },
  ];

  it('finds no request or answer outside the document, for every call', { timeout: 120_000 }, async () => {
    const problems: string[] = [];
    let refusedByPrism = 0;
    const check = (name: string, r: { status: number; violations: PrismViolation[]; body: unknown }, status: number, bad = false) => {
      if (r.status !== status) problems.push(`${name}: expected ${status}, got ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      const onRequest = r.violations.filter((v) => v.location[0] === 'request');
      const onAnswer = r.violations.filter((v) => v.location[0] !== 'request');
      // Every answer matches the document; a request does too, unless it is one of the bad ones, which Prism must then see.
      if (onAnswer.length || (!bad && onRequest.length)) problems.push(`${name}: ${JSON.stringify(r.violations)}`);
      if (bad && onRequest.length === 0) problems.push(`${name}: a bad request the document does not refuse`);
      if (bad) refusedByPrism++;
    };
    for (const c of calls) {
      if (c.name === 'replay dry run (section 5)') {
        // The runbook's dry run, of a workflow that exists by now.
        await s.settle();
        const r = await send({ ...c, body: { workflow_id: workflowId, dry_run: true } });
        check(c.name, r, c.status);
        const recovery = await send({ ...c, body: { workflow_id: workflowId, from_offset: 0, replay_options: { force_reprocess: true } } });
        check('replay, data recovery', recovery, 200);
        continue;
      }
      const r = await send(c);
      check(c.name, r, c.status, c.bad);
      if (c.name === 'force sync (section 1)') {
        syncId = String(r.body && typeof r.body === 'object' ? r.body.sync_id : '');
        workflowId = String((r.body as { sync_details: { external_opal: { workflow_id: string } } }).sync_details.external_opal.workflow_id);
      }
    }
    // Signed webhooks: stored (202), the OSA repeat (409), a Standard Webhooks repeat (200), a bad signature (401).
    const secret = s.config.webhook.secrets[0]!;
    const event = makeEvent();
    const deliveries = [
      ['webhook', await postOsa(prism.url, secret, event), 202, false],
      ['webhook repeat (OSA)', await postOsa(prism.url, secret, event), 409],
      ['webhook (Standard Webhooks)', await postStandard(prism.url, secret, makeEvent(), { id: 'msg_runbook' }), 202],
      ['webhook repeat (Standard Webhooks)', await postStandard(prism.url, secret, makeEvent(), { id: 'msg_runbook' }), 200],
      ['webhook, wrong secret', await postOsa(prism.url, `whsec_${Buffer.alloc(32, 7).toString('base64')}`, makeEvent()), 401],
      ['webhook, not JSON typed', await postOsa(prism.url, secret, makeEvent(), { headers: { 'content-type': 'text/plain' } }), 415, true],
    ] as const;
    for (const [name, d, status, bad] of deliveries) {
      seen.add(`POST ${d.status}`);
      check(name, { status: d.status, violations: prism.violationsOf(d.headers), body: d.body }, status, bad === true);
    }
    console.info(
      `runbook through Prism: ${calls.length + 1 + deliveries.length} calls (${refusedByPrism} deliberately bad requests), statuses ${[...seen].sort().join(', ')}`,
    );
    expect(problems).toEqual([]);
  });
});
