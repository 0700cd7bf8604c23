import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent } from '../../test-support/webhook-client';

const TOKEN = 'tool-token-0123456789abcdef0123456789abcdef';

describe.each(testDrivers)('Opal custom-tool path on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { opal: { toolToken: TOKEN } });
  });
  afterAll(() => s?.stop());
  const send = (body: unknown, token: string | null = TOKEN) =>
    fetch(`${s.url}/api/opal/tools/send_workflow_event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it('lists send_workflow_event in the tools SDK discovery format', async () => {
    const r = await fetch(`${s.url}/api/opal/discovery`);
    const body = (await r.json()) as { functions: { name: string; endpoint: string; http_method: string; parameters: { name: string; required: boolean }[] }[] };
    expect(body.functions).toHaveLength(1);
    expect(body.functions[0]).toMatchObject({ name: 'send_workflow_event', endpoint: '/api/opal/tools/send_workflow_event', http_method: 'POST' });
    expect(body.functions[0]!.parameters.filter((p) => p.required).map((p) => p.name)).toEqual(['event_type', 'workflow_id', 'offset', 'timestamp']);
  });

  it('stores a tool call as the same workflow event, once', async () => {
    const e = makeEvent({ event_type: 'agent.completed', agent_id: 'roadmap_generator', offset: 7 });
    const r = await send({ parameters: e });
    expect(r.status).toBe(202);
    const [row] = await s.ctx.db.select().from(webhookEvents).where(eq(webhookEvents.id, String(r.body.event_id)));
    expect(row).toMatchObject({ signatureScheme: 'opal_tool', eventType: 'agent.completed', agentId: 'roadmap_generator', dedupKey: `ev:${e.workflow_id}:${e.event_id}` });
    const again = await send({ parameters: e });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, event_id: r.body.event_id } });
    await s.settle();
    const [processed] = await s.ctx.db.select().from(webhookEvents).where(eq(webhookEvents.id, String(r.body.event_id)));
    expect(processed!.processingStatus).toBe('processed');
  });

  it('refuses a missing or wrong token with 401, and bad parameters with 400', async () => {
    expect((await send({ parameters: makeEvent() }, null)).status).toBe(401);
    expect((await send({ parameters: makeEvent() }, 'nope')).status).toBe(401);
    expect((await send({ nothing: true })).status).toBe(400);
    const bad = await send({ parameters: makeEvent({ offset: -1 }) });
    expect(bad.status).toBe(400);
  });
});
