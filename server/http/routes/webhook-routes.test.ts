import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGY_AGENTS } from '../../contracts/strategy-workflow';
import { agentRuns, webhookEvents, webhookRejections, workflows } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa, postRaw, postStandard } from '../../test-support/webhook-client';

describe.each(testDrivers)('POST /api/webhooks/opal-workflow on %s', (driver) => {
  let s: TestServer;
  let secret: string;
  beforeAll(async () => {
    s = await startTestServer(driver, { webhook: { maxBytes: 4096 } });
    secret = s.config.webhook.secrets[0]!;
  });
  afterAll(() => s?.stop());

  const storedCount = async (workflowId: string) =>
    (await s.ctx.db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.workflowId, workflowId)))[0]!.n;
  const rejections = async (reason: string) => {
    await s.ctx.rejections.flush();
    return s.ctx.db.select().from(webhookRejections).where(eq(webhookRejections.reason, reason));
  };

  it('accepts an OSA-signed event with 202 only once it is stored, then processes it', async () => {
    const e = makeEvent();
    const r = await postOsa(s.url, secret, e);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ success: true, status: 'accepted' });
    expect(r.headers.get('x-correlation-id')).toBe(r.body.correlation_id);
    // Stored before the answer: no waiting needed for the row itself.
    const [row] = await s.ctx.db.select().from(webhookEvents).where(eq(webhookEvents.id, String(r.body.event_id)));
    expect(row).toMatchObject({ workflowId: e.workflow_id, eventType: 'workflow.started', signatureScheme: 'osa', outcome: 'in_progress' });
    expect(row!.payload).toEqual(e);
    await s.settle();
    const [processed] = await s.ctx.db.select().from(webhookEvents).where(eq(webhookEvents.id, String(r.body.event_id)));
    expect(processed!.processingStatus).toBe('processed');
    expect(processed!.processingMs).toBeGreaterThanOrEqual(0);
    const [wf] = await s.ctx.db.select().from(workflows).where(eq(workflows.workflowId, e.workflow_id));
    expect(wf!.status).toBe('running');
  });

  it('answers a repeated OSA event with 409 naming the original, and stores it once', async () => {
    const e = makeEvent();
    const first = await postOsa(s.url, secret, e);
    const again = await postOsa(s.url, secret, e);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, error: 'Duplicate Event', event_id: first.body.event_id });
    expect(await storedCount(e.workflow_id)).toBe(1);
  });

  it('stores two events whose ids hold colons as two events: only a true repeat is a 409', async () => {
    const tag = randomUUID().slice(0, 8);
    const a = makeEvent({ workflow_id: `${tag}:a:b`, event_id: 'c' });
    const b = makeEvent({ workflow_id: `${tag}:a`, event_id: 'b:c' });
    expect((await postOsa(s.url, secret, a)).status).toBe(202);
    expect((await postOsa(s.url, secret, b)).status).toBe(202);
    expect((await postOsa(s.url, secret, b)).status).toBe(409);
    expect(await storedCount(a.workflow_id)).toBe(1);
    expect(await storedCount(b.workflow_id)).toBe(1);
  });

  it('dedups events without an event id by their content', async () => {
    const e = makeEvent({ event_id: undefined, event_type: 'agent.completed', agent_id: 'geo_audit', offset: 4, agent_data: { score: 3 } });
    expect((await postOsa(s.url, secret, e)).status).toBe(202);
    expect((await postOsa(s.url, secret, { ...e, timestamp: new Date(Date.now() + 1000).toISOString() })).status).toBe(409);
    expect((await postOsa(s.url, secret, { ...e, agent_data: { score: 4 } })).status).toBe(202);
  });

  it('accepts Standard Webhooks and answers a repeat delivery with 200 duplicate', async () => {
    const e = makeEvent();
    const first = await postStandard(s.url, secret, e, { id: 'msg_repeat_1' });
    expect(first.status).toBe(202);
    const again = await postStandard(s.url, secret, e, { id: 'msg_repeat_1' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ success: true, duplicate: true, event_id: first.body.event_id });
    const [row] = await s.ctx.db.select().from(webhookEvents).where(eq(webhookEvents.id, String(first.body.event_id)));
    expect(row!.signatureScheme).toBe('standard_webhooks');
  });

  it('accepts the original relay format as the matching agent event', async () => {
    const body = { workflow_id: `wf-relay-${Date.now()}`, agent_id: 'content_review', execution_status: 'failure', error: 'CMS unreachable' };
    const r = await postOsa(s.url, secret, body);
    expect(r.status).toBe(202);
    const [row] = await s.ctx.db.select().from(webhookEvents).where(eq(webhookEvents.id, String(r.body.event_id)));
    expect(row).toMatchObject({ eventType: 'agent.failed', outcome: 'failure', outcomeError: 'CMS unreachable' });
  });

  it.each([
    ['no signature', {}, 'missing_signature'],
    ['a malformed signature', { 'x-osa-signature': 'v1=abc' }, 'malformed_signature'],
  ])('refuses %s with 401 and records why', async (_name, headers, reason) => {
    const e = makeEvent();
    const r = await postRaw(s.url, JSON.stringify(e), { 'content-type': 'application/json', ...headers });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ success: false, error: 'Invalid Signature' });
    expect(await storedCount(e.workflow_id)).toBe(0);
    const rows = await rejections(reason);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses a wrong secret with 401, recording a hash of the body but never the body', async () => {
    const e = makeEvent({ note: 'distinctive-unverified-text' });
    const r = await postOsa(s.url, 'whsec_' + Buffer.alloc(32, 7).toString('base64'), e);
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/signature/i);
    const rows = await rejections('invalid_signature');
    const mine = rows.find((x) => x.correlationId === r.body.correlation_id)!;
    expect(mine.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(mine)).not.toContain('distinctive-unverified-text');
  });

  it('refuses stale and future timestamps with 401 saying so', async () => {
    const stale = await postOsa(s.url, secret, makeEvent(), { timestampMs: Date.now() - 6 * 60_000 });
    expect(stale.status).toBe(401);
    expect(stale.body.message).toMatch(/old/);
    const future = await postStandard(s.url, secret, makeEvent(), { timestampSeconds: Math.floor(Date.now() / 1000) + 120 });
    expect(future.status).toBe(401);
    expect(future.body.message).toMatch(/future/);
  });

  it('refuses a content type other than JSON with 415', async () => {
    const r = await postRaw(s.url, 'workflow_id=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ success: false, error: 'Unsupported Media Type' });
  });

  it('refuses a body over WEBHOOK_MAX_BYTES with 413', async () => {
    const r = await postOsa(s.url, secret, makeEvent({ padding: 'x'.repeat(5000) }));
    expect(r.status).toBe(413);
    expect((await rejections('payload_too_large')).length).toBeGreaterThan(0);
  });

  it('refuses a body whose Content-Encoding does not decode (400) or is unknown (415), and records both', async () => {
    const malformed = (await rejections('malformed_body')).length;
    const unsupported = (await rejections('unsupported_media_type')).length;
    const body = JSON.stringify(makeEvent());
    const bad = await postRaw(s.url, Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(bad.status).toBe(400);
    const unknown = await postRaw(s.url, body, { 'content-type': 'application/json', 'content-encoding': 'x-unknown' });
    expect(unknown.status).toBe(415);
    expect((await rejections('malformed_body')).length).toBe(malformed + 1);
    expect((await rejections('unsupported_media_type')).length).toBe(unsupported + 1);
  });

  it('refuses malformed JSON with 400', async () => {
    const r = await postOsa(s.url, secret, '{"event_type": "workflow.started",');
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/not valid JSON/);
  });

  it('refuses schema errors with 400 naming each field, and stores nothing', async () => {
    const e = makeEvent({ event_type: 'agent.completed', offset: -2, agent_id: undefined });
    const r = await postOsa(s.url, secret, e);
    expect(r.status).toBe(400);
    const paths = (r.body.details as { field_errors: { path: string }[] }).field_errors.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['offset', 'agent_id']));
    expect(await storedCount(e.workflow_id)).toBe(0);
  });

  it.each([
    ['text jsonb cannot hold', (e: object) => JSON.stringify(e).replace('}', ',"note":"a\\u0000b"}')],
    ['a lone surrogate', (e: object) => JSON.stringify(e).replace('}', ',"note":"\\ud800"}')],
    ['nesting deeper than 64', (e: object) => JSON.stringify(e).replace('}', `,"deep":${'['.repeat(70)}${']'.repeat(70)}}`)],
  ])('refuses %s with 400 before it reaches the database', async (_name, build) => {
    const e = makeEvent();
    const r = await postOsa(s.url, secret, build(e));
    expect(r.status).toBe(400);
    expect(await storedCount(e.workflow_id)).toBe(0);
  });

  it('refuses a body that is not UTF-8 with 400', async () => {
    const e = makeEvent();
    const raw = Buffer.concat([Buffer.from(JSON.stringify(e).slice(0, -1) + ',"note":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const r = await postOsa(s.url, secret, raw);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/UTF-8/);
  });

  it('keeps unknown fields and flags an agent outside the nine', async () => {
    const e = makeEvent({ event_type: 'agent.started', agent_id: 'brand_new_agent', offset: 1, shiny_new_field: [1, 2] });
    expect((await postOsa(s.url, secret, e)).status).toBe(202);
    await s.settle();
    const [wf] = await s.ctx.db.select().from(workflows).where(eq(workflows.workflowId, e.workflow_id));
    expect(wf!.unknownAgents).toEqual(['brand_new_agent']);
    const [row] = await s.ctx.db.select().from(webhookEvents).where(eq(webhookEvents.workflowId, e.workflow_id));
    expect(row!.knownAgent).toBe(false);
    expect((row!.payload as Record<string, unknown>).shiny_new_field).toEqual([1, 2]);
  });

  it('folds a whole run, delivered out of order, into a completed workflow with nine agents', async () => {
    const workflowId = `wf-run-${Date.now()}`;
    const events = [makeEvent({ workflow_id: workflowId, offset: 0 })];
    let offset = 1;
    for (const agent of STRATEGY_AGENTS) {
      events.push(makeEvent({ workflow_id: workflowId, event_type: 'agent.started', agent_id: agent, offset: offset++ }));
      events.push(makeEvent({ workflow_id: workflowId, event_type: 'agent.completed', agent_id: agent, offset: offset++ }));
    }
    events.push(makeEvent({ workflow_id: workflowId, event_type: 'workflow.completed', offset: offset++ }));
    for (const e of [...events].reverse()) expect((await postOsa(s.url, secret, e)).status).toBe(202);
    await s.settle();
    const [wf] = await s.ctx.db.select().from(workflows).where(eq(workflows.workflowId, workflowId));
    expect(wf).toMatchObject({ status: 'completed', eventCount: 20 });
    const agents = await s.ctx.db.select().from(agentRuns).where(eq(agentRuns.workflowId, workflowId));
    expect(agents).toHaveLength(9);
    expect(agents.every((a) => a.status === 'completed')).toBe(true);
  });

  it('keeps a caller\'s correlation id and makes one otherwise', async () => {
    const r = await postOsa(s.url, secret, makeEvent(), { headers: { 'x-correlation-id': 'relay-abc-123' } });
    expect(r.headers.get('x-correlation-id')).toBe('relay-abc-123');
    const bad = await postOsa(s.url, secret, makeEvent(), { headers: { 'x-correlation-id': 'has spaces in it' } });
    expect(bad.headers.get('x-correlation-id')).toMatch(/^req-\d+-[0-9a-f]{8}$/);
  });

  it('reports receiver status with counts only', async () => {
    const res = await fetch(`${s.url}/api/webhooks/opal-workflow`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { last_24h: Record<string, number>; last_event_at: string };
    expect(body.last_24h.events_received).toBeGreaterThan(5);
    expect(body.last_24h.signature_failures).toBeGreaterThan(0);
    expect(body.last_24h.signature_failure_rate).toBeGreaterThan(0);
    expect(Date.parse(body.last_event_at)).not.toBeNaN();
    expect(JSON.stringify(body)).not.toContain(secret);
  });

  it('never logs a signature or the secret', async () => {
    await postOsa(s.url, secret, makeEvent());
    const logs = s.logs.join('');
    expect(logs).toContain('POST /api/webhooks/opal-workflow 202');
    expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/v1=[0-9a-f]{64}/);
  });
});

describe.each(testDrivers)('webhook rate limit on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { webhook: { rateLimitPerMin: 3 } });
  });
  afterAll(() => s?.stop());

  it('answers 429 with Retry-After past the per-address limit', async () => {
    const secret = s.config.webhook.secrets[0]!;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await postOsa(s.url, secret, makeEvent())).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const r = await postOsa(s.url, secret, makeEvent());
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(r.body).toMatchObject({ success: false, error: 'Too Many Requests' });
  });
});
