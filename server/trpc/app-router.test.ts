import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/schema';
import { forRequest } from '../domain/access/request-context';
import type { Caller } from '../domain/auth/caller';
import { testDrivers } from '../test-support/test-database';
import { startTestServer, type TestServer } from '../test-support/test-server';
import { makeEvent, postOsa } from '../test-support/webhook-client';
import { appRouter } from './app-router';
import { createCallerFactory } from './trpc';

const createCaller = createCallerFactory(appRouter);
const as = (s: TestServer, caller: Caller | null) =>
  createCaller(forRequest(s.ctx, { correlationId: 'test-corr', sourceIp: '127.0.0.1', target: 'trpc test', identify: async () => ({ actor: caller }) }));
const viewer: Caller = { name: 'vera@example.test', role: 'viewer', via: 'session' };
const operator: Caller = { name: 'otto@example.test', role: 'operator', via: 'session' };
const admin: Caller = { name: 'ada@example.test', role: 'admin', via: 'session' };
const clientApp: Caller = { name: 'crm-app', role: 'client', via: 'api_key' };

describe.each(testDrivers)('tRPC router on %s', (driver) => {
  let s: TestServer;
  let workflowId: string;
  let eventId: string;
  beforeAll(async () => {
    s = await startTestServer(driver, { admin: { email: 'ada@example.test', password: 'a-long-admin-password' }, opal: { simulator: { delayMs: 5, failureRate: 0 } } });
    const e = makeEvent({ event_type: 'agent.failed', agent_id: 'geo_audit', offset: 1, error: 'quota exceeded', api_token: 'should-not-show' });
    workflowId = e.workflow_id;
    eventId = String((await postOsa(s.url, s.config.webhook.secrets[0]!, e)).body.event_id);
    await s.settle();
  });
  afterAll(() => s?.stop());

  it('refuses every read without a caller once ADMIN_PASSWORD is set (401)', async () => {
    await expect(as(s, null).workflows.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await as(s, null).session()).toMatchObject({ authenticated: false, console_open: false });
  });

  it('lets a viewer read workflows, a workflow timeline and an event with its sanitised payload', async () => {
    const list = await as(s, viewer).workflows.list({ status: 'all' });
    expect(list.workflows.map((w) => w.workflow_id)).toContain(workflowId);
    const wf = await as(s, viewer).workflows.get({ workflowId });
    expect(wf.agents.find((a) => a.agent_id === 'geo_audit')).toMatchObject({ status: 'failed', error: 'quota exceeded' });
    expect(wf.events[0]!.error_message).toMatch(/^Opal reported agent.failed: quota exceeded/);
    const ev = await as(s, viewer).events.get({ eventId });
    expect(ev).toMatchObject({ event_id: eventId, failure_kind: 'reported', signature_scheme: 'osa' });
    expect((ev.payload as Record<string, unknown>).api_token).toBe('[redacted]');
  });

  it('serves diagnostics: failed events with their kind, refused deliveries, and admin-only cleanup', async () => {
    const page = await as(s, viewer).diagnostics.events({ status: 'failed', workflow_id: workflowId });
    expect(page.events.map((e) => e.id)).toEqual([eventId]);
    expect(page.events[0]!.error_message).toMatch(/^Opal reported agent.failed/);
    expect(page.system_health.webhook_status).toBeDefined();
    await postOsa(s.url, 'whsec_' + Buffer.alloc(32, 9).toString('base64'), makeEvent());
    await s.ctx.rejections.flush();
    const refused = await as(s, viewer).diagnostics.rejections({ reason: 'invalid_signature' });
    expect(refused.rejections.length).toBeGreaterThan(0);
    expect(refused.rejections[0]).toMatchObject({ reason: 'invalid_signature', body_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await expect(as(s, operator).diagnostics.cleanup({ retention_days: 30, reason: 'weekly retention' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await as(s, admin).diagnostics.cleanup({ retention_days: 30, reason: 'weekly retention' })).toMatchObject({ retention_days: 30, deleted_events: 0 });
  });

  it('serves metrics, alerts and replay (dry run first) through the same procedures the console calls', async () => {
    const overview = await as(s, viewer).metrics.overview({ range: '1h' });
    expect(overview.range).toBeDefined();
    expect(overview.key_metrics).toBeDefined();
    expect((await as(s, viewer).alerts.list({ status: 'all', limit: 10 })).alerts).toEqual(expect.any(Array));
    await expect(as(s, viewer).replay.workflow({ workflow_id: workflowId, dry_run: true })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const dry = await as(s, operator).replay.workflow({ workflow_id: workflowId, dry_run: true });
    expect(dry).toMatchObject({ status: 'dry_run', events_found: 1 });
    const history = await as(s, viewer).replay.list({ limit: 5 });
    expect(history.replays.map((r) => r.replay_id)).toContain(dry.replay_id);
  });

  it('maps domain errors through the one table: unknown workflow → NOT_FOUND, bad input → BAD_REQUEST', async () => {
    await expect(as(s, viewer).workflows.get({ workflowId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(s, viewer).workflows.list({ limit: 0 } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('lets client apps and operators start a force sync and poll it, and only admins manage users (403 otherwise)', async () => {
    await expect(as(s, viewer).forceSync.start({ sync_scope: 'priority_platforms', include_rag_update: false })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const started = await as(s, operator).forceSync.start({ sync_scope: 'priority_platforms', include_rag_update: false });
    expect(started.sync_id).toMatch(/[0-9a-f-]{36}/);
    const byClient = await as(s, clientApp).forceSync.start({ sync_scope: 'odp_only', include_rag_update: false });
    expect((await as(s, clientApp).forceSync.status({ syncId: byClient.sync_id })).sync_id).toBe(byClient.sync_id);
    await expect(as(s, clientApp).workflows.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(s, operator).users.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const users = await as(s, admin).users.list();
    expect(users.map((u) => u.email)).toContain('ada@example.test');
    expect(JSON.stringify(users)).not.toMatch(/scrypt|password/i);
  });

  it('re-runs a workflow this server started with its original inputs, and refuses one it did not', async () => {
    const started = await as(s, operator).forceSync.start({ sync_scope: 'odp_only', include_rag_update: true });
    const opalWorkflowId = started.sync_details.external_opal.workflow_id;
    const rerun = await as(s, operator).workflows.rerun({ workflowId: opalWorkflowId });
    expect(rerun.rerun_of).toBe(opalWorkflowId);
    const status = await as(s, operator).forceSync.status({ syncId: rerun.sync_id });
    expect(status.sync_scope).toBe('odp_only');
    // DESIGN.md "Access": polling is a client app's and an operator's, on tRPC as on REST.
    await expect(as(s, viewer).forceSync.status({ syncId: rerun.sync_id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(s, operator).workflows.rerun({ workflowId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe.each(testDrivers)('console sign-in on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { admin: { email: 'ada@example.test', password: 'a-long-admin-password' } });
  });
  afterAll(() => s?.stop());
  const login = (email: string, password: string) =>
    fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

  it('signs the first admin in with an httpOnly SameSite=Strict cookie that the tRPC API accepts', async () => {
    const res = await login('ada@example.test', 'a-long-admin-password');
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/ofs_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const token = /ofs_session=([^;]+)/.exec(cookie)![1];
    const session = await fetch(`${s.url}/trpc/session`, { headers: { cookie: `ofs_session=${token}` } });
    expect(((await session.json()) as { result: { data: { user: { role: string } } } }).result.data.user.role).toBe('admin');
    const noCookie = await fetch(`${s.url}/trpc/workflows.list?input=${encodeURIComponent('{}')}`);
    expect(noCookie.status).toBe(401);
    // A state-changing call from another site is refused even with the cookie.
    const csrf = await fetch(`${s.url}/trpc/forceSync.start`, {
      method: 'POST',
      headers: { cookie: `ofs_session=${token}`, 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: '{}',
    });
    expect(csrf.status).toBe(403);
  });

  it('refuses a wrong password with 401 and records it for the authentication-failures alert', async () => {
    expect((await login('ada@example.test', 'wrong-password-123')).status).toBe(401);
    expect((await login('nobody@example.test', 'wrong-password-123')).status).toBe(401);
    await s.ctx.audit.flush();
    const rows = await s.ctx.db.select({ actor: auditLog.actor }).from(auditLog).where(eq(auditLog.action, 'auth.failed'));
    expect(rows.map((r) => r.actor)).toEqual(expect.arrayContaining(['ada@example.test', 'nobody@example.test']));
  });
});
