import { request } from 'node:http';
import { connect } from 'node:net';
import { signOsa } from '../../server/domain/webhooks/signature/osa-signature';
import type { EventBody } from '../../server/test-support/webhook-client';
import { jsonOf, type Outcome, outcomeOf } from './ledger';
import { SECRET } from './server-process';

export interface SlowDelivery {
  body: EventBody;
  /** The TCP connection is established and the headers and half the body are written. */
  started: Promise<void>;
  /** Writes the rest of the body. */
  finish(): void;
  outcome: Promise<Outcome>;
}

/**
 * An OSA delivery (signed as postOsa signs: `t=<ms>,v1=HMAC(secret, t + raw body)`)
 * on a connection of its own whose body arrives in two parts: between them
 * the request is in flight on the server, which is what a graceful shutdown
 * must finish.
 */
export function slowDelivery(url: string, body: EventBody, timeoutMs = 30_000): SlowDelivery {
  const raw = Buffer.from(JSON.stringify(body));
  const half = Math.floor(raw.length / 2);
  const req = request(`${url}/api/webhooks/opal-workflow`, {
    method: 'POST',
    agent: false,
    headers: {
      'content-type': 'application/json',
      'content-length': String(raw.length),
      'x-osa-signature': signOsa({ secret: SECRET, rawBody: raw, timestampMs: Date.now() }),
    },
  });
  const started = new Promise<void>((resolve, reject) => {
    req.once('socket', (socket) => socket.once('connect', () => resolve()));
    req.once('error', reject);
  });
  const outcome = new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ kind: 'connection', code: 'TIMEOUT' });
    }, timeoutMs);
    req.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ kind: 'connection', code: e.code ?? e.message });
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        clearTimeout(timer);
        resolve(outcomeOf(res.statusCode ?? 0, jsonOf(Buffer.concat(chunks).toString('utf8'))));
      });
    });
  });
  // Keeps an early failure from being an unhandled rejection; `outcome` reports it.
  started.catch(() => {});
  req.write(raw.subarray(0, half));
  return { body, started, finish: () => req.end(raw.subarray(half)), outcome };
}

/** A fresh TCP connection attempt: does anything still accept on this port? */
export function tryConnect(port: number): Promise<'connected' | 'refused' | string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(3_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'refused' : (e.code ?? e.message)));
  });
}
