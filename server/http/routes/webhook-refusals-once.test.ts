import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents, webhookRejections } from '../../db/schema';
import { signOsa } from '../../domain/webhooks/signature/osa-signature';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { type Delivery, makeEvent, postOsa, postRaw } from '../../test-support/webhook-client';

/**
 * Issue 11, item 5: every refused delivery is one webhook_rejections row,
 * whichever layer refused it, so the receiver's failure rate counts it once.
 */
interface Refusal {
  kind: string;
  status: number;
  reason: string;
  send: (s: TestServer, secret: string, headers: Record<string, string>) => Promise<Delivery>;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const WRONG_SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
const notUtf8 = () => {
  const text = JSON.stringify(makeEvent());
  return Buffer.concat([Buffer.from(text.slice(0, -1) + ',"note":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
};

const REFUSALS: Refusal[] = [
  { kind: 'signed bad JSON', status: 400, reason: 'malformed_body', send: (s, k, h) => postOsa(s.url, k, '{"bad json', { headers: h }) },
  { kind: 'signed non-UTF-8 bytes', status: 400, reason: 'malformed_body', send: (s, k, h) => postOsa(s.url, k, notUtf8(), { headers: h }) },
  { kind: 'signed schema error', status: 400, reason: 'invalid_event', send: (s, k, h) => postOsa(s.url, k, makeEvent({ offset: -1 }), { headers: h }) },
  {
    kind: 'signed \\u0000 text',
    status: 400,
    reason: 'malformed_body',
    send: (s, k, h) => postOsa(s.url, k, JSON.stringify(makeEvent()).replace('}', ',"note":"a\\u0000b"}'), { headers: h }),
  },
  { kind: 'bad signature', status: 401, reason: 'invalid_signature', send: (s, _k, h) => postOsa(s.url, WRONG_SECRET, makeEvent(), { headers: h }) },
  { kind: 'no signature', status: 401, reason: 'missing_signature', send: (s, _k, h) => postRaw(s.url, JSON.stringify(makeEvent()), { ...JSON_TYPE, ...h }) },
  {
    kind: 'stale timestamp',
    status: 401,
    reason: 'stale_timestamp',
    send: (s, k, h) => postOsa(s.url, k, makeEvent(), { timestampMs: Date.now() - 6 * 60_000, headers: h }),
  },
  {
    kind: 'future timestamp',
    status: 401,
    reason: 'future_timestamp',
    send: (s, k, h) => postOsa(s.url, k, makeEvent(), { timestampMs: Date.now() + 2 * 60_000, headers: h }),
  },
  {
    kind: 'too large',
    status: 413,
    reason: 'payload_too_large',
    send: (s, k, h) => postOsa(s.url, k, makeEvent({ padding: 'x'.repeat(5000) }), { headers: h }),
  },
  {
    kind: 'text/plain',
    status: 415,
    reason: 'unsupported_media_type',
    send: (s, _k, h) => postRaw(s.url, JSON.stringify(makeEvent()), { 'content-type': 'text/plain', ...h }),
  },
  {
    kind: 'undecodable gzip',
    status: 400,
    reason: 'malformed_body',
    send: (s, _k, h) => postRaw(s.url, Buffer.from('not gzip at all'), { ...JSON_TYPE, 'content-encoding': 'gzip', ...h }),
  },
  {
    kind: 'unknown Content-Encoding',
    status: 415,
    reason: 'unsupported_media_type',
    send: (s, k, h) => {
      const raw = JSON.stringify(makeEvent());
      return postRaw(s.url, raw, {
        ...JSON_TYPE,
        'content-encoding': 'x-unknown',
        'x-osa-signature': signOsa({ secret: k, rawBody: raw, timestampMs: Date.now() }),
        ...h,
      });
    },
  },
];

const ACCEPTED = 8;

async function rowsFor(s: TestServer, correlationId: string) {
  await s.ctx.rejections.flush();
  return s.ctx.db
    .select({ reason: webhookRejections.reason, occurrences: webhookRejections.occurrences })
    .from(webhookRejections)
    .where(eq(webhookRejections.correlationId, correlationId));
}

async function eventCount(s: TestServer): Promise<number> {
  return (await s.ctx.db.select({ n: count() }).from(webhookEvents))[0]!.n;
}

async function health(s: TestServer) {
  await s.settle();
  await s.ctx.rejections.flush();
  const res = await fetch(`${s.url}/api/diagnostics/last-webhook`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    system_health: {
      recent_failure_rate: number;
      webhook_status: string;
      events: { received: number };
      refused_deliveries: { count: number; by_reason: Record<string, number> };
    };
  };
  return body.system_health;
}

describe.each(testDrivers)('each refused webhook delivery is recorded once, on %s', (driver) => {
  let s: TestServer;
  // The rate limit counts every delivery from the address, so 429 has a server of its own.
  let limited: TestServer;
  let secret: string;
  beforeAll(async () => {
    [s, limited] = await Promise.all([startTestServer(driver, { webhook: { maxBytes: 4096 } }), startTestServer(driver, { webhook: { rateLimitPerMin: 2 } })]);
    secret = s.config.webhook.secrets[0]!;
  });
  afterAll(() => Promise.all([s?.stop(), limited?.stop()]));

  it.each(REFUSALS.map((r, i) => [r.kind, r, i] as const))('%s: one row with its reason, no event', async (_kind, refusal, i) => {
    const correlationId = `refusal-once-${driver}-${i}`;
    const before = await eventCount(s);
    const r = await refusal.send(s, secret, { 'x-correlation-id': correlationId });
    expect(r.status).toBe(refusal.status);
    expect(r.headers.get('x-correlation-id')).toBe(correlationId);
    expect(r.body).toMatchObject({ success: false, correlation_id: correlationId });
    expect(await rowsFor(s, correlationId)).toEqual([{ reason: refusal.reason, occurrences: 1 }]);
    expect(await eventCount(s)).toBe(before);
  });

  it('counts each refused delivery once in recent_failure_rate and the refused count', async () => {
    for (let i = 0; i < ACCEPTED; i++) expect((await postOsa(s.url, secret, makeEvent())).status).toBe(202);
    const h = await health(s);
    const expectedByReason: Record<string, number> = {};
    for (const r of REFUSALS) expectedByReason[r.reason] = (expectedByReason[r.reason] ?? 0) + 1;
    expect(h.events.received).toBe(ACCEPTED);
    expect(h.refused_deliveries.count).toBe(REFUSALS.length);
    expect(h.refused_deliveries.by_reason).toEqual(expectedByReason);
    // 12 refused of 20 deliveries.
    expect(h.recent_failure_rate).toBe(60);
    expect(h.webhook_status).toBe('unhealthy');
  });

  it('429: one rate_limited row, no event, and one refusal in the failure rate', async () => {
    for (let i = 0; i < 2; i++) expect((await postOsa(limited.url, secret, makeEvent())).status).toBe(202);
    const correlationId = `refusal-once-${driver}-429`;
    const before = await eventCount(limited);
    const r = await postOsa(limited.url, secret, makeEvent(), { headers: { 'x-correlation-id': correlationId } });
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ success: false, correlation_id: correlationId });
    expect(await rowsFor(limited, correlationId)).toEqual([{ reason: 'rate_limited', occurrences: 1 }]);
    expect(await eventCount(limited)).toBe(before);
    const h = await health(limited);
    expect(h.refused_deliveries.count).toBe(1);
    expect(h.refused_deliveries.by_reason).toEqual({ rate_limited: 1 });
    // 1 refused of 3 deliveries.
    expect(h.recent_failure_rate).toBe(33.33);
  });
});
