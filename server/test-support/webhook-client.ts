import { randomUUID } from 'node:crypto';
import { signOsa } from '../domain/webhooks/signature/osa-signature';
import { signStandardWebhook } from './sign-standard-webhook';

export interface EventBody {
  event_type: string;
  workflow_id: string;
  offset?: number;
  timestamp?: string;
  agent_id?: string;
  event_id?: string;
  [key: string]: unknown;
}

export function makeEvent(overrides: Partial<EventBody> = {}): EventBody {
  return {
    event_type: 'workflow.started',
    workflow_id: `wf-${randomUUID()}`,
    offset: 0,
    timestamp: new Date().toISOString(),
    event_id: randomUUID(),
    ...overrides,
  };
}

export interface Delivery {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function send(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Delivery> {
  const res = await fetch(`${url}/api/webhooks/opal-workflow`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

const asText = (body: unknown) => (typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));

/** Posts a body signed with the OSA scheme (`X-OSA-Signature: t=<ms>,v1=<hex>`). */
export function postOsa(
  url: string,
  secret: string,
  body: unknown,
  opts: { timestampMs?: number; headers?: Record<string, string> } = {},
): Promise<Delivery> {
  const raw = asText(body);
  return send(url, raw, {
    'content-type': 'application/json',
    'x-osa-signature': signOsa({ secret, rawBody: raw, timestampMs: opts.timestampMs ?? Date.now() }),
    ...opts.headers,
  });
}

/** Posts a body signed with Standard Webhooks headers. */
export function postStandard(
  url: string,
  secret: string,
  body: unknown,
  opts: { id?: string; timestampSeconds?: number; headers?: Record<string, string> } = {},
): Promise<Delivery> {
  const raw = asText(body);
  const signed = signStandardWebhook({
    secret,
    id: opts.id ?? `msg_${randomUUID()}`,
    timestampSeconds: opts.timestampSeconds ?? Math.floor(Date.now() / 1000),
    rawBody: raw,
  });
  return send(url, raw, { 'content-type': 'application/json', ...signed, ...opts.headers });
}

export function postRaw(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Delivery> {
  return send(url, body, headers);
}
