import { Agent, request } from 'node:http';
import { signOsa } from '../../server/domain/webhooks/signature/osa-signature';
import { jsonOf, type Ledger, type Outcome, outcomeOf, runEvent } from './ledger';
import { SECRET } from './server-process';

export interface KeepAliveAnswer {
  sentAt: number;
  outcome: Outcome;
  /** The answer's Connection header: `close` tells the sender not to reuse the connection. */
  connection: string | undefined;
}

/** One OSA-signed delivery on `agent` (signed as postOsa signs), bounded in time. */
function post(url: string, agent: Agent, raw: Buffer, timeoutMs: number): Promise<Omit<KeepAliveAnswer, 'sentAt'>> {
  return new Promise((resolve) => {
    const req = request(`${url}/api/webhooks/opal-workflow`, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': String(raw.length),
        'x-osa-signature': signOsa({ secret: SECRET, rawBody: raw, timestampMs: Date.now() }),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ outcome: { kind: 'connection', code: 'TIMEOUT' }, connection: undefined });
    }, timeoutMs);
    req.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ outcome: { kind: 'connection', code: e.code ?? e.message }, connection: undefined });
    });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        clearTimeout(timer);
        const outcome = outcomeOf(res.statusCode ?? 0, jsonOf(Buffer.concat(chunks).toString('utf8')));
        resolve({ outcome, connection: res.headers.connection });
      });
    });
    req.end(raw);
  });
}

/**
 * A sender that holds one keep-alive connection (as a load balancer or relay
 * does) and posts on it back to back, until it gets no answer or its bounds
 * run out. It does not stop by itself when the server starts shutting down:
 * only the server closing the connection ends it.
 */
export async function keepAliveSender(opts: {
  url: string;
  ledger: Ledger;
  runId: string;
  maxEvents: number;
  maxMs: number;
}): Promise<KeepAliveAnswer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const answers: KeepAliveAnswer[] = [];
  const until = Date.now() + opts.maxMs;
  try {
    for (let n = 0; n < opts.maxEvents && Date.now() < until; n++) {
      const body = runEvent(opts.runId, `ka-${n}`);
      opts.ledger.sent(body);
      const sentAt = Date.now();
      const answer = await post(opts.url, agent, Buffer.from(JSON.stringify(body)), 30_000);
      opts.ledger.record(body, answer.outcome);
      answers.push({ sentAt, ...answer });
      if (answer.outcome.kind === 'connection') break;
    }
  } finally {
    agent.destroy();
  }
  return answers;
}
