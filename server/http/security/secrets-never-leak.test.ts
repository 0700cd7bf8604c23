/**
 * Secrets never leak (DESIGN.md: "never send a secret … to a client", logs
 * redact credentials, the checks "without printing a secret"). Every
 * configured secret is a canary (LEAKCANARY_<NAME>_<random>); so are the
 * wrong credentials a client sends (often a typo of the right one), the body
 * of a refused delivery (never stored), the signature a refused delivery
 * should have had, and each session token once signed in. Every route is
 * exercised, failures first, in production mode against a fake Opal whose
 * errors echo what it was sent; then every answer (body and headers), every
 * log line, every request the server made (to Opal, to the alert webhook),
 * the rows it stored, and the config CLI's output are searched for every
 * canary.
 *
 * Where a secret legitimately goes: Opal receives the auth key as
 * `Authorization: Bearer <key>` (and its URL's secret path in the request
 * line); the alert webhook receives its own URL; a sign-in answer's
 * Set-Cookie carries that user's own session token. Nowhere else.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, getTableColumns } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyRole } from '../../config/config';
import { alerts, auditLog, jobRuns, replays, sessions, syncRequests, users, webhookEvents, webhookRejections } from '../../db/schema';
import { signOsa } from '../../domain/webhooks/signature/osa-signature';
import { signStandardWebhook } from '../../test-support/sign-standard-webhook';
import { type FakeOpal, type FakeOpalBehaviour, startFakeOpal } from '../../test-support/fake-opal';
import { testDrivers } from '../../test-support/test-database';
import { NO_ENV_FILE } from '../../test-support/test-envs';
import type { TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa, postRaw, postStandard } from '../../test-support/webhook-client';
import { REST_ROUTES } from '../../test-support/rest-route-list';
import { SESSION_COOKIE } from '../session-cookie';
import { callTrpc, consoleHeaders, LB_HEADERS, lbFetch, productionEnv, type ProductionSettings, signIn, startProductionServer, TRPC_PROCEDURES } from '../../test-support/authz-production-server';
import { AnswerLog, Canaries, canary, leaksIn, type Output } from '../../test-support/leak-canaries';
import { type RecordingEndpoint, startRecordingEndpoint } from '../../test-support/leak-recording-endpoint';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const procedures = TRPC_PROCEDURES;

/** The configured secrets, each a canary; a whsec_ key cannot carry the prefix and is found by its pieces. */
function makeSecrets() {
  return {
    authKey: canary('AUTHKEY'),
    toolToken: canary('TOOLTOKEN'),
    webhookSecrets: [canary('WHSEC1'), canary('WHSEC2'), `whsec_${randomBytes(32).toString('base64')}`],
    apiKeys: {
      client: canary('APIKEYCLIENT'),
      viewer: canary('APIKEYVIEWER'),
      operator: canary('APIKEYOPERATOR'),
      admin: canary('APIKEYADMIN'),
    },
    adminPassword: canary('ADMINPASSWORD'),
    viewerPassword: canary('VIEWERPASSWORD'),
    operatorPassword: canary('OPERATORPASSWORD'),
    opalUrlPath: canary('OPALURLPATH'),
    alertUrlPath: canary('ALERTURLPATH'),
    alertUrlToken: canary('ALERTURLTOKEN'),
    // What a client or sender gets wrong.
    wrongApiKey: canary('WRONGAPIKEY'),
    wrongToolToken: canary('WRONGTOOLTOKEN'),
    wrongWebhookSecret: canary('WRONGWHSEC'),
    wrongPassword: canary('WRONGPASSWORD'),
    refusedBody: canary('REFUSEDBODY'),
    badSignatureHeader: canary('SIGHEADER'),
  };
}
type Secrets = ReturnType<typeof makeSecrets>;

function canariesOf(x: Secrets): Canaries {
  const c = new Canaries();
  for (const [name, value] of Object.entries(x)) {
    if (typeof value === 'string') c.add(name, value);
    else if (Array.isArray(value)) value.forEach((v, i) => c.add(`${name}[${i}]`, v));
    else for (const [role, key] of Object.entries(value)) c.add(`apiKeys.${role}`, key);
  }
  return c;
}

const ADMIN_EMAIL = 'ada@leak.test';

describe.each(testDrivers)('secrets never leak, in production on %s', (driver) => {
  const x = makeSecrets();
  const canaries = canariesOf(x);
  const log = new AnswerLog();
  const covered = new Set<string>();
  let s: TestServer;
  let opal: FakeOpal;
  let alertEndpoint: RecordingEndpoint;
  let stopped = false;

  beforeAll(async () => {
    opal = await startFakeOpal();
    alertEndpoint = await startRecordingEndpoint(400);
    const settings: ProductionSettings = {
      authKey: x.authKey,
      toolToken: x.toolToken,
      webhookSecrets: x.webhookSecrets,
      apiKeys: Object.entries(x.apiKeys).map(([role, key]) => ({ name: `${role}-app`, role: role as ApiKeyRole, key })),
      adminEmail: ADMIN_EMAIL,
      adminPassword: x.adminPassword,
      opalWebhookUrl: `${new URL(opal.url).origin}/webhooks/${x.opalUrlPath}/strategy-workflow`,
      alertWebhookUrl: `${alertEndpoint.origin}/hooks/${x.alertUrlPath}?token=${x.alertUrlToken}`,
    };
    ({ server: s } = await startProductionServer(driver, productionEnv(settings)));
  });
  afterAll(async () => {
    if (!stopped) await s?.stop();
    await opal?.close();
    await alertEndpoint?.close();
  });

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const call = (route: string, opts: { path?: string; headers?: Record<string, string>; body?: unknown; raw?: string; label?: string; lb?: boolean } = {}) => {
    covered.add(route);
    const [method, path] = route.split(' ') as [string, string];
    const json = opts.body !== undefined;
    const init: RequestInit = {
      method,
      redirect: 'manual',
      headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      ...(json ? { body: JSON.stringify(opts.body) } : opts.raw !== undefined ? { body: opts.raw } : {}),
    };
    const target = `${s.url}${opts.path ?? path}`;
    return log.record(`${route}${opts.label ? ` (${opts.label})` : ''}`, opts.lb === false ? fetch(target, init) : lbFetch(target, init));
  };
  const trpc = (path: string, input: unknown, headers: Record<string, string>, label = '') => {
    covered.add(`trpc ${path}`);
    return log.record(`tRPC ${path}${label ? ` (${label})` : ''}`, callTrpc(s.url, path, procedures[path]!._def.type as 'query' | 'mutation' | 'subscription', input, headers));
  };
  const sessionsByRole = new Map<string, string>();
  const asSession = (role: string) => consoleHeaders(s.url, sessionsByRole.get(role)!);
  let login = 0;
  /** Each sign-in from its own address (X-Forwarded-For), so the login limiter stays out of the way. */
  const signInRecorded = async (role: string, email: string, password: string) => {
    covered.add('POST /api/auth/login');
    const { token, response } = await signIn(s.url, email, password, { 'x-forwarded-for': `203.0.113.${++login}` });
    // The one place a session token may travel: its own Set-Cookie, httpOnly.
    expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(new RegExp(`^${SESSION_COOKIE}=${token}; .*HttpOnly`))]);
    await log.record(`POST /api/auth/login (${role})`, response, { ownSessionCookie: true });
    canaries.add(`session.${role}`, token);
    sessionsByRole.set(role, token);
  };

  it('exercises every route and procedure, failures included', { timeout: 120_000 }, async () => {
    const started = Date.now();
    // --- console users and sessions -------------------------------------------------------------
    await signInRecorded('admin', ADMIN_EMAIL, x.adminPassword);
    for (const [role, password] of [['viewer', x.viewerPassword], ['operator', x.operatorPassword]] as const) {
      expect((await trpc('users.create', { email: `${role}@leak.test`, password, role }, asSession('admin'))).status).toBe(200);
      await signInRecorded(role, `${role}@leak.test`, password);
    }
    expect((await trpc('users.create', { email: 'viewer@leak.test', password: x.viewerPassword, role: 'viewer' }, asSession('admin'), 'duplicate')).status).toBe(409);
    expect((await trpc('users.update', { userId: randomUUID(), role: 'viewer' }, asSession('admin'))).status).toBe(404);

    // --- failed sign-ins (each from its own address) ------------------------------------------------
    const failedLogin = async (label: string, body: unknown, status: number) => {
      const r = await call('POST /api/auth/login', { body, label, headers: { 'x-forwarded-for': `203.0.113.${++login}` } });
      expect(r.status, label).toBe(status);
    };
    await failedLogin('wrong password', { email: ADMIN_EMAIL, password: x.wrongPassword }, 401);
    await failedLogin('the admin password for another user', { email: 'viewer@leak.test', password: x.adminPassword }, 401);
    await failedLogin('unknown user', { email: 'nobody@leak.test', password: x.adminPassword }, 401);
    await failedLogin('malformed e-mail', { email: 'not-an-email', password: x.adminPassword }, 400);
    await failedLogin('unknown field', { email: ADMIN_EMAIL, password: x.wrongPassword, token: x.toolToken }, 400);
    // Plain http, not through the load balancer: refused or redirected, never acted on or echoed.
    await call('POST /api/auth/login', { body: { email: ADMIN_EMAIL, password: x.adminPassword }, label: 'plain http', lb: false });
    await call('GET /api/opal/sync', { label: 'plain http', lb: false });

    // --- open routes ---------------------------------------------------------------------------
    for (const route of ['GET /api/health', 'GET /api/health/live', 'GET /api/health/ready', 'GET /api/openapi.json', 'GET /api/opal/sync', 'GET /api/orchestrations/trigger', 'GET /api/webhooks/opal-workflow', 'GET /api/opal/discovery', 'GET /api/auth/session']) {
      expect((await call(route)).status, route).toBe(200);
    }
    // The start-up checks are really shown (not an empty list), secret URLs by their origin only.
    const checks = JSON.parse((await call('GET /api/opal/sync', { label: 'checks' })).text) as { configuration: { checks: { variable: string; message: string }[] } };
    expect(checks.configuration.checks.find((c) => c.variable === 'ALERT_WEBHOOK_URL')?.message).toBe(`alerts to ${alertEndpoint.origin} (path not shown)`);
    await call('GET /api/auth/session', { headers: asSession('viewer'), label: 'viewer' });
    await call('GET /', { label: 'console' });
    await call('GET /assets/made-up.js', { label: 'console asset' });

    // --- refused credentials -------------------------------------------------------------------
    const refused: [string, Record<string, string>, number][] = [
      ['POST /api/opal/sync', bearer(x.wrongApiKey), 401],
      ['POST /api/opal/sync', bearer(x.toolToken), 401],
      ['POST /api/orchestrations/trigger', { authorization: x.wrongApiKey }, 401],
      ['GET /api/diagnostics/last-webhook', bearer(x.wrongApiKey), 401],
      ['GET /api/metrics', bearer(x.apiKeys.client), 403],
      ['GET /api/alerts', { authorization: `Basic ${Buffer.from(`ops:${x.wrongApiKey}`).toString('base64')}` }, 401],
      ['GET /metrics', bearer(x.wrongApiKey), 401],
      ['POST /api/orchestrations/replay', bearer(x.apiKeys.viewer), 403],
      ['GET /api/orchestrations/replay', { cookie: `${SESSION_COOKIE}=${x.wrongApiKey}` }, 401],
    ];
    for (const [route, headers, status] of refused) {
      expect((await call(route, { headers, label: 'refused credential', body: route.startsWith('POST') ? {} : undefined })).status, route).toBe(status);
    }
    expect((await trpc('workflows.list', {}, bearer(x.wrongApiKey), 'wrong key')).status).toBe(401);
    expect((await trpc('users.list', undefined, asSession('operator'), 'operator')).status).toBe(403);
    const diag = 'POST /api/diagnostics/last-webhook';
    expect((await call(diag, { headers: bearer(x.apiKeys.viewer), body: { action: 'test_configuration' }, label: 'viewer' })).status).toBe(403);
    expect((await call(diag, { headers: bearer(x.apiKeys.operator), body: { action: 'cleanup_old_events' }, label: 'operator' })).status).toBe(403);

    // --- webhooks: accepted with each secret of the rotation list, and every kind of refusal -------
    const lb = { headers: { ...LB_HEADERS } };
    const workflowId = `wf-${randomUUID()}`;
    const events = x.webhookSecrets.map((_, i) => makeEvent({ workflow_id: workflowId, offset: i, event_type: i === 0 ? 'workflow.started' : 'agent.completed', ...(i > 0 ? { agent_id: 'geo_audit' } : {}) }));
    const hook = 'POST /api/webhooks/opal-workflow';
    covered.add(hook);
    const delivered = async (label: string, d: Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>, status: number) => {
      const r = await d;
      log.add(`${hook} (${label})`, r.status, r.headers, r.body);
      expect(r.status, label).toBe(status);
      return r;
    };
    const stored = await delivered('OSA, secret 1', postOsa(s.url, x.webhookSecrets[0]!, events[0], lb), 202);
    await delivered('OSA, secret 2', postOsa(s.url, x.webhookSecrets[1]!, events[1], lb), 202);
    await delivered('Standard Webhooks, whsec_ secret 3', postStandard(s.url, x.webhookSecrets[2]!, events[2], lb), 202);
    await delivered('OSA repeat', postOsa(s.url, x.webhookSecrets[0]!, events[0], lb), 409);

    const refusedEvent = makeEvent({ workflow_id: workflowId, offset: 9, note: x.refusedBody });
    const raw = JSON.stringify(refusedEvent);
    const t = Date.now();
    // What a correct signature would have been: never shown to the sender of a wrong one.
    for (const [i, secret] of x.webhookSecrets.slice(0, 2).entries()) {
      canaries.add(`expectedOsaSignature[${i}]`, /v1=([0-9a-f]{64})/.exec(signOsa({ secret, rawBody: raw, timestampMs: t }))![1]!);
    }
    const swId = `msg_${randomUUID()}`;
    const swTs = Math.floor(t / 1000);
    canaries.add('expectedStandardSignature', signStandardWebhook({ secret: x.webhookSecrets[2]!, id: swId, timestampSeconds: swTs, rawBody: raw })['webhook-signature'].slice(3));
    await delivered('OSA, wrong secret', postOsa(s.url, x.wrongWebhookSecret, raw, { timestampMs: t, ...lb }), 401);
    const wrongWhsec = `whsec_${Buffer.from(x.wrongWebhookSecret).toString('base64')}`;
    await delivered('Standard Webhooks, wrong key', postStandard(s.url, wrongWhsec, raw, { id: swId, timestampSeconds: swTs, ...lb }), 401);
    await delivered('OSA, stale', postOsa(s.url, x.webhookSecrets[0]!, raw, { timestampMs: t - 3_600_000, ...lb }), 401);
    await delivered('unsigned', postRaw(s.url, raw, { 'content-type': 'application/json', ...LB_HEADERS }), 401);
    await delivered('garbage signature header', postRaw(s.url, raw, { 'content-type': 'application/json', 'x-osa-signature': x.badSignatureHeader, ...LB_HEADERS }), 401);
    await delivered('API key instead of a signature', postRaw(s.url, raw, { 'content-type': 'application/json', ...bearer(x.apiKeys.admin), ...LB_HEADERS }), 401);
    await delivered('signed, not JSON', postOsa(s.url, x.webhookSecrets[0]!, '{"event_type": ', lb), 400);
    await delivered('signed, invalid event', postOsa(s.url, x.webhookSecrets[1]!, { event_type: 'nope', workflow_id: workflowId }, lb), 400);
    await delivered('form content type', postRaw(s.url, raw, { 'content-type': 'application/x-www-form-urlencoded', ...LB_HEADERS }), 415);

    // --- the Opal tool endpoint ----------------------------------------------------------------------
    const tool = 'POST /api/opal/tools/send_workflow_event';
    const toolEvent = makeEvent({ workflow_id: workflowId, offset: 5, event_type: 'agent.started', agent_id: 'cmp_organizer' });
    expect((await call(tool, { headers: bearer(x.toolToken), body: { parameters: toolEvent } })).status).toBe(202);
    expect((await call(tool, { headers: bearer(x.toolToken), body: { parameters: 'nope' }, label: 'bad parameters' })).status).toBe(400);
    expect((await call(tool, { headers: bearer(x.wrongToolToken), body: { parameters: refusedEvent }, label: 'wrong token' })).status).toBe(401);
    expect((await call(tool, { body: { parameters: refusedEvent }, label: 'no token' })).status).toBe(401);

    // --- force syncs against an Opal that echoes what it was sent ------------------------------------
    const echoes: [string, FakeOpalBehaviour][] = [
      ['401 echoing the bearer', { kind: 'status', status: 401, body: JSON.stringify({ error: { message: `Invalid token: Bearer ${x.authKey}` } }) }],
      ['403 echoing part of the key', { kind: 'status', status: 403, body: JSON.stringify({ message: `Token ${x.authKey.slice(0, 30)}… is not valid for this workspace` }) }],
      ['404 echoing the webhook path', { kind: 'status', status: 404, body: JSON.stringify({ error: `No webhook at /webhooks/${x.opalUrlPath}/strategy-workflow` }) }],
      ['400 echoing the headers', { kind: 'status', status: 400, body: JSON.stringify({ detail: `Bad request; got authorization=Bearer ${x.authKey}` }) }],
      ['500 echoing the key', { kind: 'status', status: 500, body: JSON.stringify({ message: x.authKey }) }],
      ['429 echoing the key', { kind: 'status', status: 429, retryAfter: '0', body: JSON.stringify({ error_description: `slow down, ${x.authKey}` }) }],
      ['200 that is not JSON', { kind: 'not_json' }],
      ['503 HTML page with the key', { kind: 'status', status: 503, body: `<html><body>Bearer ${x.authKey} unavailable</body></html>` }],
    ];
    const sync = 'POST /api/opal/sync';
    for (const [i, [label, behaviour]] of echoes.entries()) {
      opal.setBehaviour(behaviour);
      const r = await call(sync, { headers: bearer(x.apiKeys.client), body: { sync_scope: 'odp_only' }, label: `Opal ${label}` });
      expect(r.status, label).toBeGreaterThanOrEqual(500);
      // Opal's text is passed on (the operator needs it), masked: the echo was read, not dropped.
      if (i < 4) expect((JSON.parse(r.text) as { details: { opal_message: string } }).details.opal_message, label).toContain('[redacted]');
    }
    opal.setBehaviour({ kind: 'status', status: 401, body: JSON.stringify({ message: `bad key ${x.authKey}` }) });
    const trigger = 'POST /api/orchestrations/trigger';
    expect((await call(trigger, { headers: bearer(x.apiKeys.operator), body: { workflow_name: 'strategy_workflow' }, label: 'Opal 401' })).status).toBe(502);
    expect((await call(trigger, { headers: bearer(x.apiKeys.operator), body: { workflow_name: 'other_workflow' }, label: 'other workflow' })).status).toBe(403);
    expect((await call(trigger, { headers: bearer(x.apiKeys.operator), body: { workflow_name: 'strategy_workflow', token: x.toolToken }, label: 'unknown field' })).status).toBe(400);
    expect((await trpc('forceSync.start', { sync_scope: 'odp_only' }, asSession('operator'), 'Opal 401')).status).toBe(502);
    opal.setBehaviour({ kind: 'ok' });
    // The circuit may have opened after the failures above; either answer is searched.
    await call(sync, { headers: bearer(x.apiKeys.admin), body: {}, label: 'Opal ok' });

    const syncIds = (await s.ctx.db.select({ id: syncRequests.syncId }).from(syncRequests)).map((r) => r.id);
    expect(syncIds.length).toBeGreaterThan(0);
    for (const id of syncIds) await call('GET /api/opal/sync/:sync_id', { path: `/api/opal/sync/${id}`, headers: bearer(x.apiKeys.client) });
    await call('GET /api/opal/sync/:sync_id', { path: `/api/opal/sync/${randomUUID()}`, headers: bearer(x.apiKeys.client), label: 'unknown' });

    // --- replay, diagnostics, metrics, alerts --------------------------------------------------------------
    await s.settle();
    await call('POST /api/orchestrations/replay', { headers: bearer(x.apiKeys.operator), body: { workflow_id: workflowId, dry_run: true } });
    await call('POST /api/orchestrations/replay', { headers: bearer(x.apiKeys.operator), body: { workflow_id: workflowId, replay_options: { force_reprocess: true }, reason: 'secrets test' }, label: 'real' });
    await call('POST /api/orchestrations/replay', { headers: bearer(x.apiKeys.operator), body: { workflow_id: 'wf-unknown' }, label: 'unknown' });
    await call('POST /api/orchestrations/replay/bulk', { headers: asSession('operator'), body: { dry_run: true, filter: { status: 'any' } } });
    await call('POST /api/orchestrations/replay/bulk', { headers: bearer(x.apiKeys.operator), body: { filter: { event_type: 'nope' } }, label: 'invalid' });
    const queued = await call('POST /api/orchestrations/replay/bulk', { headers: bearer(x.apiKeys.operator), body: { filter: { status: 'any' }, reason: 'secrets test' }, label: 'job' });
    expect(queued.status).toBe(202);
    const jobId = (JSON.parse(queued.text) as { job_id: string }).job_id;
    await call('GET /api/orchestrations/replay/bulk/:job_id', { headers: bearer(x.apiKeys.viewer), path: `/api/orchestrations/replay/bulk/${jobId}` });
    await call('POST /api/orchestrations/replay/bulk/:job_id/cancel', { headers: bearer(x.apiKeys.operator), path: `/api/orchestrations/replay/bulk/${jobId}/cancel` });
    await trpc('replay.bulkJob', { job_id: jobId }, asSession('viewer'));
    await trpc('replay.cancelBulk', { job_id: jobId }, asSession('operator'), 'ended: 409');
    await call('GET /api/orchestrations/replay', { headers: bearer(x.apiKeys.viewer) });
    await call('GET /api/diagnostics/last-webhook', { headers: bearer(x.apiKeys.viewer), path: '/api/diagnostics/last-webhook?status=failed' });
    await call('GET /api/diagnostics/last-webhook', { headers: bearer(x.apiKeys.viewer), path: `/api/diagnostics/last-webhook?workflow_id=${workflowId}` });
    await call('GET /api/diagnostics/last-webhook', { headers: bearer(x.apiKeys.viewer), path: '/api/diagnostics/last-webhook?limit=0', label: 'invalid' });
    expect((await call(diag, { headers: bearer(x.apiKeys.operator), body: { action: 'test_configuration' } })).status).toBe(200);
    expect((await call(diag, { headers: asSession('admin'), body: { action: 'test_configuration' }, label: 'admin session' })).status).toBe(200);
    expect((await call(diag, { headers: bearer(x.apiKeys.admin), body: { action: 'cleanup_old_events', retention_days: 30, reason: 'secrets test' } })).status).toBe(200);
    expect((await call(diag, { headers: bearer(x.apiKeys.admin), body: { action: 'reveal_secrets' }, label: 'unknown action' })).status).toBe(400);
    expect((await call(diag, { headers: bearer(x.apiKeys.admin), raw: `{"action": "${x.toolToken}`, label: 'not JSON' })).status).toBe(400);
    await call('GET /api/metrics', { headers: bearer(x.apiKeys.viewer), path: '/api/metrics?range=1h' });
    await call('GET /metrics', { headers: bearer(x.apiKeys.viewer) });

    // Enough refused credentials above to fire the authentication-failures alert: its notification goes out.
    await s.ctx.audit.flush();
    await s.ctx.rejections.flush();
    await s.ctx.scheduler.tick();
    expect(alertEndpoint.requests.length).toBeGreaterThan(0);
    await call('GET /api/alerts', { headers: bearer(x.apiKeys.viewer) });
    // The alert's lifecycle, over both transports: its notes and reasons are an operator's words, echoed back.
    const [firing] = await s.ctx.db.select({ id: alerts.id, rule: alerts.rule }).from(alerts).where(eq(alerts.status, 'firing')).limit(1);
    expect(firing).toBeDefined();
    const ack = 'POST /api/alerts/:alert_id/acknowledge';
    expect((await call(ack, { headers: bearer(x.apiKeys.operator), path: `/api/alerts/${firing!.id}/acknowledge`, body: { note: 'on it' } })).status).toBe(200);
    expect((await call(ack, { headers: bearer(x.apiKeys.operator), path: `/api/alerts/${randomUUID()}/acknowledge`, body: {}, label: 'unknown' })).status).toBe(404);
    const silenced = await call('POST /api/alerts/silences', { headers: bearer(x.apiKeys.operator), body: { rule: firing!.rule, duration_minutes: 60, reason: 'secrets test' } });
    expect(silenced.status).toBe(200);
    const silenceId = (JSON.parse(silenced.text) as { silence: { id: string } }).silence.id;
    const lift = 'POST /api/alerts/silences/:silence_id/lift';
    expect((await call(lift, { headers: bearer(x.apiKeys.operator), path: `/api/alerts/silences/${silenceId}/lift` })).status).toBe(200);
    expect((await trpc('alerts.acknowledge', { alert_id: firing!.id }, asSession('operator'), 'another caller: 409')).status).toBe(409);
    const again = await trpc('alerts.silence', { rule: firing!.rule, duration_minutes: 5, reason: 'secrets test' }, asSession('operator'));
    expect(again.status).toBe(200);
    expect((await trpc('alerts.liftSilence', { silence_id: randomUUID() }, asSession('operator'), 'unknown: 404')).status).toBe(404);

    // --- every tRPC procedure --------------------------------------------------------------------------------
    const eventId = String(stored.body.event_id);
    const reads: Record<string, unknown> = {
      session: undefined,
      'system.health': undefined,
      'system.receiver': undefined,
      'system.configuration': undefined,
      'metrics.overview': { range: '24h' },
      'diagnostics.events': { status: 'all' },
      'diagnostics.rejections': {},
      'events.get': { eventId },
      'workflows.list': {},
      'workflows.get': { workflowId },
      'alerts.list': {},
      'replay.list': {},
      // The live stream's opening (its first event), as a signed-in console receives it.
      'live.changes': { kinds: ['events', 'workflows', 'overview', 'alerts'] },
      'forceSync.status': { syncId: syncIds[0] },
      'audit.list': { limit: 200 },
      'users.list': undefined,
    };
    for (const [path, input] of Object.entries(reads)) expect((await trpc(path, input, asSession('admin'))).status, path).toBe(200);
    await trpc('session', undefined, {}, 'signed out');
    expect((await trpc('diagnostics.testConfiguration', undefined, asSession('operator'))).status).toBe(200);
    expect((await trpc('diagnostics.cleanup', { retention_days: 30, reason: 'secrets test' }, asSession('admin'))).status).toBe(200);
    expect((await trpc('workflows.rerun', { workflowId }, asSession('operator'))).status).toBe(404);
    expect((await trpc('replay.workflow', { workflow_id: workflowId, dry_run: true }, asSession('operator'))).status).toBe(200);
    expect((await trpc('replay.bulk', { dry_run: true }, asSession('operator'))).status).toBe(200);
    expect((await trpc('events.get', { eventId: 'nope' }, asSession('viewer'), 'invalid')).status).toBe(400);

    // --- sign out ------------------------------------------------------------------------------------------
    for (const role of ['viewer', 'operator', 'admin']) await call('POST /api/auth/logout', { headers: asSession(role), label: role });
    expect((await call('GET /api/auth/session', { headers: asSession('admin'), label: 'after logout' })).status).toBe(200);

    // Every REST route and every procedure was called.
    expect(REST_ROUTES.map((r) => `${r.method} ${r.path}`).filter((r) => !covered.has(r))).toEqual([]);
    expect(Object.keys(procedures).filter((p) => !covered.has(`trpc ${p}`))).toEqual([]);
    console.log(`[secrets ${driver}] ${log.requests} requests in ${Date.now() - started} ms; ${canaries.names.length} canaries`);
  });

  it('never returns a secret in an answer (body or header)', () => {
    expect(log.outputs.length).toBeGreaterThan(100);
    expect(leaksIn(log.outputs, canaries)).toEqual([]);
  });

  it('sends Opal its key as the bearer and nothing else secret; the alert webhook gets no secret either', () => {
    expect(opal.requests.length).toBeGreaterThan(0);
    const sent: Output[] = [];
    for (const [i, r] of opal.requests.entries()) {
      const { authorization, ...headers } = r.headers;
      expect(authorization).toBe(`Bearer ${x.authKey}`);
      sent.push({ where: `request ${i + 1} to Opal`, text: `${JSON.stringify(headers)}\n${JSON.stringify(r.body)}` });
    }
    for (const [i, r] of alertEndpoint.requests.entries()) {
      expect(r.url).toBe(`/hooks/${x.alertUrlPath}?token=${x.alertUrlToken}`);
      sent.push({ where: `alert notification ${i + 1}`, text: `${JSON.stringify(r.headers)}\n${r.body}` });
    }
    expect(leaksIn(sent, canaries)).toEqual([]);
  });

  it('stores no secret: refused bodies, tokens and passwords stay out of every table', async () => {
    await s.ctx.audit.flush();
    await s.ctx.rejections.flush();
    const tables = { syncRequests, auditLog, webhookRejections, webhookEvents, sessions, users, alerts, replays, jobRuns };
    const rows: Output[] = [];
    for (const [name, table] of Object.entries(tables)) {
      const all = await s.ctx.db.select(getTableColumns(table)).from(table);
      rows.push(...all.map((row, i) => ({ where: `${name} row ${i + 1}`, text: JSON.stringify(row) })));
    }
    expect(rows.length).toBeGreaterThan(20);
    expect(leaksIn(rows, canaries)).toEqual([]);
  });

  it('never logs a secret, shutdown included', async () => {
    stopped = true;
    await s.stop();
    expect(s.logs.length).toBeGreaterThan(log.requests);
    const lines = s.logs.map((text, i) => ({ where: `log line ${i + 1}`, text }));
    expect(leaksIn(lines, canaries)).toEqual([]);
    console.log(`[secrets ${driver}] searched ${log.outputs.length} answers, ${lines.length} log lines, ${opal.requests.length} requests to Opal, ${alertEndpoint.requests.length} alert notifications for ${canaries.names.length} canaries`);
  });
});

/** Runs a server script with only PATH, HOME and `env`; resolves with its exit code and output. */
function runScript(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'tsx', join(root, script)], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...NO_ENV_FILE, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(kill);
      resolve({ code, output });
    });
  });
}

describe('the config CLI and a refused start-up print no secret', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('npm run test:config, valid and failing, and main.ts refusing to start', { timeout: 120_000 }, async () => {
    const x = makeSecrets();
    const canaries = canariesOf(x);
    const dbPassword = canaries.add('databasePassword', canary('DBPASSWORD'));
    const shortToken = canaries.add('shortToolToken', canary('SHORT').slice(0, 24));
    const dataDir = mkdtempSync(join(tmpdir(), 'leak-cli-'));
    dirs.push(dataDir);
    const valid = {
      ...productionEnv({
        authKey: x.authKey,
        toolToken: x.toolToken,
        webhookSecrets: x.webhookSecrets,
        apiKeys: [
          { name: 'app', role: 'client', key: x.apiKeys.client },
          { name: 'ops', role: 'operator', key: x.apiKeys.operator },
        ],
        adminEmail: ADMIN_EMAIL,
        adminPassword: x.adminPassword,
        opalWebhookUrl: `https://webhook.opal.test/webhooks/${x.opalUrlPath}/strategy-workflow`,
        alertWebhookUrl: `https://hooks.alerts.test/services/${x.alertUrlPath}?token=${x.alertUrlToken}`,
      }),
      DATA_DIR: dataDir,
      DATABASE_URL: `postgres://app:${dbPassword}@db.internal:5432/forcesync`,
    };
    const failing = {
      ...valid,
      OPAL_TOOL_TOKEN: shortToken,
      // A placeholder word inside a secret, a bare key where name:role:key belongs, an unknown role.
      OPAL_STRATEGY_WORKFLOW_AUTH_KEY: `${x.authKey}_changeme`,
      API_KEYS: `${x.apiKeys.admin},ops:superuser:${x.apiKeys.operator}`,
      OSA_WEBHOOK_SHARED_SECRET: `${x.webhookSecrets[0]},whsec_${x.wrongWebhookSecret}`,
      ALERT_WEBHOOK_URL: `http://user:${x.wrongPassword}@hooks.alerts.test/${x.alertUrlPath}`,
      OPAL_WEBHOOK_URL: `http://webhook.opal.test/webhooks/${x.opalUrlPath}`,
    };
    const [ok, refused, startUp] = await Promise.all([
      runScript('server/config/check-config-cli.ts', valid),
      runScript('server/config/check-config-cli.ts', failing),
      runScript('server/main.ts', failing),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.output).toMatch(/\d+ checks: \d+ OK, 0 FAIL/);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('Configuration refused');
    for (const variable of ['OPAL_TOOL_TOKEN', 'OPAL_STRATEGY_WORKFLOW_AUTH_KEY', 'API_KEYS', 'OSA_WEBHOOK_SHARED_SECRET', 'ALERT_WEBHOOK_URL', 'OPAL_WEBHOOK_URL']) {
      expect(refused.output).toMatch(new RegExp(`^${variable} +FAIL`, 'm'));
    }
    expect(startUp.code).toBe(78);
    expect(startUp.output).toContain('refused to start');
    const outputs = [
      { where: 'test:config (valid)', text: ok.output },
      { where: 'test:config (failing)', text: refused.output },
      { where: 'main.ts (refused)', text: startUp.output },
    ];
    expect(leaksIn(outputs, canaries)).toEqual([]);
    console.log(`[secrets CLI] searched ${outputs.map((o) => o.text.split('\n').length).reduce((a, b) => a + b)} output lines for ${canaries.names.length} canaries`);
  });
});
