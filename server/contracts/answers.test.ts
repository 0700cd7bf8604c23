import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { DriverName } from '../db/database';
import type { NodeEnv } from '../config/config';
import type { Caller } from '../domain/auth/caller';
import type { CircuitState } from '../domain/opal/client/opal-client';
import type { OpalGateway } from '../domain/opal/opal-gateway';
import type { OpalOutcome } from '../domain/opal/client/retry-policy';
import type { EventSource } from '../domain/webhooks/accept-event';
import type { RejectionReason } from '../domain/webhooks/rejection-recorder';
import type { AgentStatus as FoldAgentStatus, WorkflowStatus as FoldWorkflowStatus } from '../domain/workflows/fold-workflow';
import { testDrivers } from '../test-support/test-database';
import { startTestServer, type TestServer } from '../test-support/test-server';
import { makeEvent, postOsa, postStandard } from '../test-support/webhook-client';
import { auditLogPageSchema, type CallerVia, loginAnswerSchema, sessionViewSchema, userViewSchema } from './auth';
import { REJECTION_REASONS, type RejectionReasonName, rejectionsPageSchema } from './diagnostics';
import { errorBodySchema } from './error-body';
import {
  type CircuitStateName,
  forceSyncAnswerSchema,
  type OpalCallOutcome,
  type OpalMode,
  rerunResultSchema,
  syncConfigurationSchema,
  syncStatusSchema,
  triggerAnswerSchema,
  triggerDescriptionSchema,
} from './force-sync';
import { type DatabaseDriver, healthSchema, type NodeEnvName } from './health';
import type { SignatureScheme } from './webhook-event';
import {
  receiverStatusSchema,
  toolDiscoverySchema,
  toolEventAcceptedSchema,
  toolEventDuplicateSchema,
  webhookAcceptedSchema,
  webhookDuplicateSchema,
} from './webhook-answers';
import type { AgentStatus, WorkflowStatus } from './workflow-timeline';
import { eventDetailSchema, workflowDetailSchema, workflowsPageSchema } from './workflows';

/**
 * Every output contract held to real answers: a real server on each test
 * database, called over HTTP (REST, and tRPC's wire format for the
 * console-only reads). Each answer must parse, and parse to itself: the
 * contracts are strict objects, so a field the server adds and the contract
 * does not name fails here instead of vanishing from the OpenAPI document.
 */

type Json = Record<string, unknown>;

const ADMIN = { email: 'ada@example.test', password: 'a-long-admin-password' };
const TOOL_TOKEN = 'test-tool-token-0123456789abcdef';

/** `data` is exactly one answer of `schema`: it parses, nothing is dropped, nothing is changed. */
function expectExactly(schema: z.ZodType, data: unknown) {
  const parsed = schema.safeParse(data);
  expect(parsed.error ? z.prettifyError(parsed.error) : 'ok', JSON.stringify(data)).toBe('ok');
  expect(parsed.data).toEqual(data);
}

/** A successful REST answer: `success: true`, and the rest is exactly one answer of `schema`. */
function expectAnswer(schema: z.ZodType, body: Json) {
  const { success, ...data } = body;
  expect(success, JSON.stringify(body)).toBe(true);
  expectExactly(schema, data);
}

describe("the closed sets in the contracts are the domain's", () => {
  it("match the domain's types", () => {
    expectTypeOf<RejectionReasonName>().toEqualTypeOf<RejectionReason>();
    expectTypeOf<OpalCallOutcome>().toEqualTypeOf<OpalOutcome | 'started' | 'error'>();
    expectTypeOf<CircuitStateName>().toEqualTypeOf<CircuitState>();
    expectTypeOf<OpalMode>().toEqualTypeOf<OpalGateway['mode']>();
    expectTypeOf<CallerVia>().toEqualTypeOf<Caller['via']>();
    expectTypeOf<DatabaseDriver>().toEqualTypeOf<DriverName>();
    expectTypeOf<NodeEnvName>().toEqualTypeOf<NodeEnv>();
    expectTypeOf<SignatureScheme>().toEqualTypeOf<EventSource>();
    expectTypeOf<WorkflowStatus>().toEqualTypeOf<FoldWorkflowStatus>();
    expectTypeOf<AgentStatus>().toEqualTypeOf<FoldAgentStatus>();
    expect(new Set(REJECTION_REASONS).size).toBe(REJECTION_REASONS.length);
  });

  it("accept the runbook's force sync example, its ids included, once it has the fields this server adds", () => {
    const runbook = {
      sync_id: 'internal-workflow-123',
      correlation_id: 'force-sync-1699123456-abc123',
      message: 'Force sync completed successfully',
      sync_details: {
        internal_workflow: { enabled: true, workflow_id: 'internal-workflow-123' },
        external_opal: { triggered: true, workflow_id: 'strategy_workflow_456', ai_agents_count: 9 },
      },
    };
    // What the runbook leaves out, and nothing else, is missing: no id is refused for its format.
    const missing = forceSyncAnswerSchema.safeParse(runbook).error!.issues.map((i) => i.path.join('.'));
    expect(missing.sort()).toEqual(['polling_url', 'sync_details.external_opal.mode', 'sync_details.external_opal.session_id', 'sync_details.sync_scope']);
    const full = {
      ...runbook,
      sync_details: {
        sync_scope: 'priority_platforms',
        internal_workflow: runbook.sync_details.internal_workflow,
        external_opal: { ...runbook.sync_details.external_opal, session_id: null, mode: 'live' },
      },
      polling_url: 'http://localhost:3000/api/opal/sync/internal-workflow-123',
    };
    expectExactly(forceSyncAnswerSchema, full);
    expectExactly(syncConfigurationSchema.shape.workflow_security, {
      allowed_workflow: 'strategy_workflow',
      account_validation: true,
      security_note: 'ONLY strategy_workflow is permitted',
    });
    expectExactly(errorBodySchema, {
      success: false,
      error: 'Configuration Error',
      message: 'Environment validation failed',
      correlation_id: 'force-sync-1699123456-abc123',
    });
  });
});

describe.each(testDrivers)('answers on %s hold to their contracts', (driver) => {
  let s: TestServer;
  let cookie = '';

  async function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const res = await fetch(`${s.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  }

  /** tRPC 11 over HTTP, no transformer: a query is GET `?input=<JSON>`, a mutation POSTs the input; the data is `result.data`. */
  async function trpc(procedure: string, input?: unknown, kind: 'query' | 'mutation' = 'query'): Promise<unknown> {
    const query = kind === 'query' && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
    const res = await fetch(`${s.url}/trpc/${procedure}${query}`, {
      method: kind === 'query' ? 'GET' : 'POST',
      headers: { cookie, ...(kind === 'mutation' ? { 'content-type': 'application/json' } : {}) },
      ...(kind === 'mutation' ? { body: JSON.stringify(input ?? null) } : {}),
    });
    const body = (await res.json()) as { result?: { data: unknown } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body.result!.data;
  }

  async function pollUntilDone(pollingUrl: string): Promise<Json> {
    const until = Date.now() + 20_000;
    for (;;) {
      const r = await call(new URL(pollingUrl).pathname);
      if (['completed', 'failed', 'timed_out'].includes(String(r.body.status)) || Date.now() > until) return r.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    s = await startTestServer(driver, { admin: ADMIN, opal: { toolToken: TOOL_TOKEN, simulator: { delayMs: 5, failureRate: 0 } } });
  });
  afterAll(() => s?.stop());

  it('GET /api/health, GET /api/opal/sync, GET /api/orchestrations/trigger', async () => {
    const health = await call('/api/health');
    expect(health.status).toBe(200);
    expectAnswer(healthSchema, health.body);
    const configuration = await call('/api/opal/sync');
    expect(configuration.status).toBe(200);
    expectAnswer(syncConfigurationSchema, configuration.body);
    const trigger = await call('/api/orchestrations/trigger');
    expect(trigger.status).toBe(200);
    expectAnswer(triggerDescriptionSchema, trigger.body);
  });

  it('POST /api/opal/sync, its polling URL before and after the callbacks, and POST /api/orchestrations/trigger', async () => {
    const sync = await call('/api/opal/sync', { body: { sync_scope: 'priority_platforms' } });
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    expectAnswer(forceSyncAnswerSchema, sync.body);
    const pollingUrl = String(sync.body.polling_url);
    const early = await call(new URL(pollingUrl).pathname);
    expect(early.status).toBe(200);
    expectAnswer(syncStatusSchema, early.body);

    const done = await pollUntilDone(pollingUrl);
    expect(done.status).toBe('completed');
    await s.settle();
    const status = await call(new URL(pollingUrl).pathname);
    expect(status.status).toBe(200);
    expectAnswer(syncStatusSchema, status.body);
    expect(status.body.workflow).not.toBeNull();
    expect((status.body.events as unknown[]).length).toBeGreaterThan(0);

    const trigger = await call('/api/orchestrations/trigger', { body: { workflow_name: 'strategy_workflow', session_id: 'session_123', client_name: 'ACME Corp' } });
    expect(trigger.status, JSON.stringify(trigger.body)).toBe(200);
    expectAnswer(triggerAnswerSchema, trigger.body);
    await pollUntilDone(String(trigger.body.polling_url));
    const triggered = await call(new URL(String(trigger.body.polling_url)).pathname);
    expectAnswer(syncStatusSchema, triggered.body);
    expect(triggered.body).toMatchObject({ kind: 'trigger', sync_scope: null, session_id: 'session_123' });
  });

  it('the polling URL of a sync Opal refused, of one still waiting for callbacks, and of a failed workflow', async () => {
    const refused = await call('/api/opal/sync', { body: { metadata: { simulator_scenario: { http_status: 400 } } } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(502);
    expectExactly(errorBodySchema, refused.body);
    const failedSync = await call(`/api/opal/sync/${String((refused.body.details as Json).sync_id)}`);
    expectAnswer(syncStatusSchema, failedSync.body);
    expect(failedSync.body).toMatchObject({ status: 'failed', workflow: null, opal: { workflow_id: null, outcome: 'refused' } });

    const silent = await call('/api/opal/sync', { body: { metadata: { simulator_scenario: { stop_after: 0 } } } });
    expectAnswer(forceSyncAnswerSchema, silent.body);
    const waiting = await call(new URL(String(silent.body.polling_url)).pathname);
    expectAnswer(syncStatusSchema, waiting.body);
    expect(waiting.body).toMatchObject({ status: 'waiting_for_callbacks', workflow: null, events: [] });

    const failing = await call('/api/opal/sync', { body: { metadata: { simulator_scenario: { fail_agents: ['geo_audit'], workflow_failure: true } } } });
    expect((await pollUntilDone(String(failing.body.polling_url))).status).toBe('failed');
    await s.settle();
    const failedRun = await call(new URL(String(failing.body.polling_url)).pathname);
    expectAnswer(syncStatusSchema, failedRun.body);
    expect(failedRun.body).toMatchObject({ workflow: { status: 'failed', error: expect.any(String) } });
  });

  it('the webhook: accepted (202), an OSA repeat (409 error body), a Standard Webhooks repeat (200), and the receiver status', async () => {
    const secret = s.config.webhook.secrets[0]!;
    const event = makeEvent();
    const first = await postOsa(s.url, secret, event);
    expect(first.status).toBe(202);
    expectAnswer(webhookAcceptedSchema, first.body);
    const again = await postOsa(s.url, secret, event);
    expect(again.status).toBe(409);
    expectExactly(errorBodySchema, again.body);
    expect(again.body.event_id).toBe(first.body.event_id);

    const id = `msg_${randomUUID()}`;
    const standard = makeEvent();
    expect((await postStandard(s.url, secret, standard, { id })).status).toBe(202);
    const repeat = await postStandard(s.url, secret, standard, { id });
    expect(repeat.status).toBe(200);
    expectAnswer(webhookDuplicateSchema, repeat.body);

    await s.settle();
    const receiver = await call('/api/webhooks/opal-workflow');
    expect(receiver.status).toBe(200);
    expectAnswer(receiverStatusSchema, receiver.body);
  });

  it("Opal's tool path: discovery, a tool event accepted (202) and repeated (200)", async () => {
    const discovery = await call('/api/opal/discovery');
    expect(discovery.status).toBe(200);
    // Opal's tools SDK format: no `success` envelope here.
    const { success: _none, ...tools } = discovery.body;
    expectExactly(toolDiscoverySchema, tools);
    expect((tools as z.infer<typeof toolDiscoverySchema>).functions[0]!.auth_requirements).toBeDefined();

    const parameters = makeEvent({ event_type: 'agent.completed', agent_id: 'roadmap_generator', offset: 1 });
    const auth = { authorization: `Bearer ${TOOL_TOKEN}` };
    const first = await call('/api/opal/tools/send_workflow_event', { body: { parameters }, headers: auth });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expectAnswer(toolEventAcceptedSchema, first.body);
    const again = await call('/api/opal/tools/send_workflow_event', { body: { parameters }, headers: auth });
    expect(again.status).toBe(200);
    expectAnswer(toolEventDuplicateSchema, again.body);
  });

  it('sessions: signed out, POST /api/auth/login, signed in', async () => {
    const out = await call('/api/auth/session');
    expect(out.status).toBe(200);
    expectAnswer(sessionViewSchema, out.body);
    const signedOut = (await trpc('session')) as Json;
    expectExactly(sessionViewSchema, signedOut);
    expect(signedOut).toMatchObject({ authenticated: false, user: null });

    const res = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const login = (await res.json()) as Json;
    expect(res.status, JSON.stringify(login)).toBe(200);
    expectAnswer(loginAnswerSchema, login);
    cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(cookie).not.toBe('');

    const signedIn = await call('/api/auth/session', { headers: { cookie } });
    expectAnswer(sessionViewSchema, signedIn.body);
    expect(signedIn.body.user).toMatchObject({ name: ADMIN.email, role: 'admin', via: 'session' });
  });

  it('errors: 404 for an unknown sync, 400 with the field errors, 401 for a bad signature', async () => {
    const notFound = await call('/api/opal/sync/not-a-uuid');
    expect(notFound.status).toBe(404);
    expectExactly(errorBodySchema, notFound.body);
    const bad = await call('/api/opal/sync', { body: { bogus: 1 } });
    expect(bad.status).toBe(400);
    expectExactly(errorBodySchema, bad.body);
    expect(bad.body.details).toMatchObject({ field_errors: [{ path: 'bogus', message: expect.any(String) }] });
    const forged = await postOsa(s.url, 'an-other-secret-that-is-32-characters-long', makeEvent());
    expect(forged.status).toBe(401);
    expectExactly(errorBodySchema, forged.body);
  });

  it('the console over tRPC: session, workflows, an event, a re-run, refused deliveries, users and the audit log', async () => {
    expect(cookie, 'the sign-in test runs first').not.toBe('');
    expectExactly(sessionViewSchema, await trpc('session'));

    const secret = s.config.webhook.secrets[0]!;
    const elsewhere = makeEvent({ event_type: 'agent.failed', agent_id: 'geo_audit', offset: 1, error: 'quota exceeded', api_token: 'must-not-show' });
    const stored = await postOsa(s.url, secret, elsewhere);
    expect(stored.status).toBe(202);
    await s.settle();

    const page = (await trpc('workflows.list', { limit: 2 })) as z.infer<typeof workflowsPageSchema>;
    expectExactly(workflowsPageSchema, page);
    expect(page.next_cursor).not.toBeNull();
    expectExactly(workflowsPageSchema, await trpc('workflows.list', { status: 'completed', cursor: page.next_cursor }));

    const all = (await trpc('workflows.list', { limit: 200 })) as z.infer<typeof workflowsPageSchema>;
    expectExactly(workflowsPageSchema, all);
    const started = all.workflows.find((w) => w.sync_id !== null && w.status === 'completed')!;
    expect(started).toBeDefined();
    const detail = await trpc('workflows.get', { workflowId: started.workflow_id });
    expectExactly(workflowDetailSchema, detail);
    expect(detail).toMatchObject({ can_rerun: true, sync: { sync_id: started.sync_id } });
    const unknownOrigin = await trpc('workflows.get', { workflowId: elsewhere.workflow_id });
    expectExactly(workflowDetailSchema, unknownOrigin);
    expect(unknownOrigin).toMatchObject({ can_rerun: false, sync: null });

    const event = (await trpc('events.get', { eventId: stored.body.event_id })) as z.infer<typeof eventDetailSchema>;
    expectExactly(eventDetailSchema, event);
    expect(event).toMatchObject({ failure_kind: 'reported', payload: { api_token: '[redacted]' } });

    expectExactly(rerunResultSchema, await trpc('workflows.rerun', { workflowId: started.workflow_id }, 'mutation'));
    expectExactly(syncStatusSchema, await trpc('forceSync.status', { syncId: started.sync_id }));

    await s.ctx.rejections.flush();
    const refused = (await trpc('diagnostics.rejections', {})) as z.infer<typeof rejectionsPageSchema>;
    expectExactly(rejectionsPageSchema, refused);
    expect(refused.rejections.length).toBeGreaterThan(0);

    const created = await trpc('users.create', { email: 'vera@example.test', password: 'a-long-viewer-password', role: 'viewer' }, 'mutation');
    expectExactly(userViewSchema, created);
    expectExactly(userViewSchema, await trpc('users.update', { userId: (created as { user_id: string }).user_id, disabled: true }, 'mutation'));
    expectExactly(z.array(userViewSchema).min(2), await trpc('users.list'));

    await s.ctx.audit.flush();
    const audit = (await trpc('audit.list', { limit: 3 })) as z.infer<typeof auditLogPageSchema>;
    expectExactly(auditLogPageSchema, audit);
    expect(audit.next_cursor).not.toBeNull();
    expectExactly(auditLogPageSchema, await trpc('audit.list', { limit: 200, cursor: audit.next_cursor }));
  });
});
