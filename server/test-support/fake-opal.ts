import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeOpalBehaviour =
  | { kind: 'ok'; workflowId?: string; sessionId?: string; useIdField?: boolean }
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  | { kind: 'hang' }
  | { kind: 'not_json' };

export interface FakeOpalRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  at: number;
}

export interface FakeOpal {
  /** The webhook URL to use as OPAL_WEBHOOK_URL. */
  url: string;
  requests: FakeOpalRequest[];
  /** One behaviour, or a queue: one per request, the last repeats. Default `{ kind: 'ok' }`. */
  setBehaviour(b: FakeOpalBehaviour | FakeOpalBehaviour[]): void;
  /** Closes the listener (and open connections): connects get ECONNREFUSED on the same port. */
  refuseConnections(): Promise<void>;
  /** Listens again on the same port. */
  acceptConnections(): Promise<void>;
  close(): Promise<void>;
}

const PATH = '/webhooks/fake-workspace/strategy-workflow';

/** A fake Opal webhook endpoint: a real HTTP server on an ephemeral loopback port. */
export async function startFakeOpal(): Promise<FakeOpal> {
  let queue: FakeOpalBehaviour[] = [{ kind: 'ok' }];
  let counter = 0;
  const requests: FakeOpalRequest[] = [];
  const sockets = new Set<Socket>();

  const next = (): FakeOpalBehaviour => (queue.length > 1 ? queue.shift()! : queue[0]!);

  const respond = (res: ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}) => {
    // No keep-alive: a pooled socket the fake later closes must not turn the next request into a reset.
    res.writeHead(status, { 'content-type': type, connection: 'close', ...extra });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, text: string) => {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text
    }
    requests.push({ headers: { ...(req.headers as IncomingHttpHeaders) }, body, at: Date.now() });
    const b = next();
    counter += 1;
    switch (b.kind) {
      case 'ok': {
        const id = b.workflowId ?? `wf-fake-${counter}`;
        const answer = b.useIdField ? { id } : { workflow_id: id };
        respond(res, 200, JSON.stringify({ ...answer, session_id: b.sessionId ?? `sess-fake-${counter}`, status: 'started' }), 'application/json');
        return;
      }
      case 'status':
        respond(
          res,
          b.status,
          b.body ?? JSON.stringify({ error: `fake Opal answered ${b.status}` }),
          'application/json',
          b.retryAfter !== undefined ? { 'retry-after': b.retryAfter } : {},
        );
        return;
      case 'hang':
        return; // never answers; close() destroys the socket
      case 'not_json':
        respond(res, 200, '<html><body>OK</body></html>', 'text/html');
        return;
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    requests,
    setBehaviour(b) {
      queue = Array.isArray(b) ? [...b] : [b];
      if (queue.length === 0) queue = [{ kind: 'ok' }];
    },
    refuseConnections: stop,
    acceptConnections: () => (server.listening ? Promise.resolve() : listen(port)),
    close: stop,
  };
}
