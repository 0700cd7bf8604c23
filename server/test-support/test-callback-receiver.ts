import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSignatureVerifier } from '../domain/webhooks/signature/verify-signature';

/**
 * Test helper: a real HTTP receiver on an ephemeral loopback port that checks
 * each post's OSA signature with the product's own verifier and records what
 * arrived, in arrival order. `respond` decides the answer (default 202, or
 * 409 for an event_id already seen, like the real receiver).
 */
export interface ReceivedCallback {
  body: Record<string, unknown>;
  rawBody: string;
  signatureOk: boolean;
  contentType: string | undefined;
  status: number;
  /** Date.now() when the post arrived. */
  at: number;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
}

export interface CallbackReceiver {
  url: string;
  /** Every post, in arrival order, with the status it was answered. */
  received: ReceivedCallback[];
  close(): Promise<void>;
}

export async function startCallbackReceiver(
  secret: string,
  respond?: (body: Record<string, unknown>, postIndex: number) => ReceiverAnswer,
): Promise<CallbackReceiver> {
  const verifier = createSignatureVerifier([secret]);
  const received: ReceivedCallback[] = [];
  const seen = new Set<string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signatureOk = verifier.verify({ rawBody: raw, headers: req.headers, now: Date.now() }).ok;
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const key = `${String(body.workflow_id)}:${String(body.event_id)}`;
      const answer = respond?.(body, received.length) ?? { status: seen.has(key) ? 409 : 202 };
      if (answer.status === 202) seen.add(key);
      received.push({ body, rawBody: raw.toString('utf8'), signatureOk, contentType: req.headers['content-type'], status: answer.status, at: Date.now() });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify({ success: answer.status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/webhooks/opal-workflow`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
