import { createHash, randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents, webhookRejections } from '../../db/schema';
import { signOsa } from '../../domain/webhooks/signature/osa-signature';
import { signStandardWebhook } from '../../test-support/sign-standard-webhook';
import { MAX_AGE_MS } from '../../domain/webhooks/signature/verify-signature';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postRaw } from '../../test-support/webhook-client';

const JSON_TYPE = { 'content-type': 'application/json' };

// A captured request sent again byte for byte, on the server's own clock: the dedup index answers inside the signature's window, the window outside it.
describe.each(testDrivers)('replaying a captured webhook delivery on %s', (driver) => {
  let s: TestServer;
  // A whole second, so that the Standard Webhooks timestamp (seconds) names the same instant.
  const T0 = Math.floor(Date.now() / 1000) * 1000;
  let clock = T0;
  let secret: string;

  beforeAll(async () => {
    s = await startTestServer(driver, {}, { now: () => clock });
    secret = s.config.webhook.secrets[0]!;
  });
  afterAll(() => s?.stop());

  const storedCount = async (workflowId: string) =>
    (await s.ctx.db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.workflowId, workflowId)))[0]!.n;
  const rejectionsOf = async (raw: string, reason: string) => {
    await s.ctx.rejections.flush();
    const sha = createHash('sha256').update(raw).digest('hex');
    return (
      await s.ctx.db
        .select({ n: count() })
        .from(webhookRejections)
        .where(and(eq(webhookRejections.bodySha256, sha), eq(webhookRejections.reason, reason)))
    )[0]!.n;
  };
  const at = async <T>(t: number, send: () => Promise<T>): Promise<T> => {
    clock = t;
    return send();
  };

  it('OSA: a replay inside the window is 409 naming the original, outside it 401, and the event is stored once', async () => {
    const event = makeEvent();
    const raw = JSON.stringify(event);
    const headers = { ...JSON_TYPE, 'x-osa-signature': signOsa({ secret, rawBody: raw, timestampMs: T0 }) };
    const replay = () => postRaw(s.url, raw, headers);

    const first = await at(T0, replay);
    expect(first.status).toBe(202);
    const original = first.body.event_id;
    expect(original).toEqual(expect.any(String));

    for (const later of [1_000, 60_000, MAX_AGE_MS]) {
      const again = await at(T0 + later, replay);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ success: false, event_id: original, details: { event_id: original } });
      expect(String(again.body.message)).toContain(String(original));
    }
    // Extra signatures in the header do not make a captured request new: dedup is on the signed body.
    const padded = await at(T0 + 2_000, () => postRaw(s.url, raw, { ...headers, 'x-osa-signature': `${headers['x-osa-signature']},v1=${'0'.repeat(64)}` }));
    expect(padded.status).toBe(409);

    for (const later of [MAX_AGE_MS + 1, 60 * 60_000, 24 * 60 * 60_000]) {
      const stale = await at(T0 + later, replay);
      expect(stale.status).toBe(401);
      expect(stale.body).toMatchObject({ success: false, error: 'Timestamp Rejected', message: expect.stringMatching(/old/) });
      expect(stale.body).not.toHaveProperty('event_id');
    }
    // Bringing the timestamp forward without the secret breaks the signature; the refusal says nothing about the window.
    const refreshedAt = T0 + 60 * 60_000;
    const signature = headers['x-osa-signature'].replace(`t=${T0}`, `t=${refreshedAt}`);
    const refreshed = await at(refreshedAt, () => postRaw(s.url, raw, { ...headers, 'x-osa-signature': signature }));
    expect(refreshed.status).toBe(401);
    expect(refreshed.body).toMatchObject({ error: 'Invalid Signature' });

    expect(await storedCount(event.workflow_id)).toBe(1);
    expect(await rejectionsOf(raw, 'stale_timestamp')).toBe(3);
    expect(await rejectionsOf(raw, 'invalid_signature')).toBe(1);
  });

  it('Standard Webhooks: a replay inside the window is 200 duplicate, outside it 401, and the event is stored once', async () => {
    const event = makeEvent({ event_id: undefined });
    delete event.event_id;
    const raw = JSON.stringify(event);
    const id = `msg_${randomUUID()}`;
    const signed = signStandardWebhook({ secret, id, timestampSeconds: T0 / 1000, rawBody: raw });
    const headers = { ...JSON_TYPE, ...signed };
    const replay = () => postRaw(s.url, raw, headers);

    const first = await at(T0, replay);
    expect(first.status).toBe(202);
    const original = first.body.event_id;

    for (const later of [1_000, 60_000, MAX_AGE_MS]) {
      const again = await at(T0 + later, replay);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ success: true, duplicate: true, event_id: original });
    }
    for (const later of [MAX_AGE_MS + 1_000, 60 * 60_000]) {
      const stale = await at(T0 + later, replay);
      expect(stale.status).toBe(401);
      expect(stale.body).toMatchObject({ success: false, error: 'Timestamp Rejected' });
    }
    // The id and the timestamp are signed: changing either (to dodge dedup or the window) breaks the signature.
    const newId = await at(T0 + 1_000, () => postRaw(s.url, raw, { ...headers, 'webhook-id': `msg_${randomUUID()}` }));
    expect(newId.status).toBe(401);
    expect(newId.body).toMatchObject({ error: 'Invalid Signature' });
    const newTime = await at(T0 + 60 * 60_000, () => postRaw(s.url, raw, { ...headers, 'webhook-timestamp': String(T0 / 1000 + 3600) }));
    expect(newTime.status).toBe(401);
    expect(newTime.body).toMatchObject({ error: 'Invalid Signature' });

    expect(await storedCount(event.workflow_id)).toBe(1);
    expect(await rejectionsOf(raw, 'stale_timestamp')).toBe(2);
    expect(await rejectionsOf(raw, 'invalid_signature')).toBe(2);
  });
});
