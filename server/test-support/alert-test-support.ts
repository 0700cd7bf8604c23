import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/database';
import { alerts, auditLog, syncRequests, webhookEvents, webhookRejections, workflows } from '../db/schema';
import { alertColumns } from '../domain/alerts/alert-store';

/** Test seeding for the alert rules: rows as the real writers store them, at chosen times. */
export const at = (base: Date, offsetMs: number) => new Date(base.getTime() + offsetMs);
export const MIN = 60_000;

export async function clearAlertData(db: Db): Promise<void> {
  for (const t of [alerts, auditLog, syncRequests, webhookEvents, webhookRejections, workflows]) await db.delete(t);
}

export async function seedSyncs(db: Db, createdAt: Date, n: number, status: 'triggered' | 'failed' | 'pending', durationMs = 200): Promise<void> {
  if (n === 0) return;
  await db.insert(syncRequests).values(
    Array.from({ length: n }, () => ({
      syncId: randomUUID(),
      kind: 'force_sync',
      correlationId: `force-sync-${randomUUID()}`,
      caller: 'test',
      input: {},
      status,
      opalMode: 'simulator',
      durationMs: status === 'pending' ? null : durationMs,
      createdAt,
    })),
  );
}

export async function seedEvents(db: Db, receivedAt: Date, n: number, processingStatus: 'pending' | 'processed' = 'processed'): Promise<void> {
  if (n === 0) return;
  await db.insert(webhookEvents).values(
    Array.from({ length: n }, () => {
      const id = randomUUID();
      return {
        id,
        dedupKey: `ev:test:${id}`,
        workflowId: 'wf-seeded',
        eventType: 'agent.completed',
        payload: {},
        payloadSize: 2,
        signatureScheme: 'osa',
        receivedAt,
        processingStatus,
        outcome: 'success',
        correlationId: 'req-test',
      };
    }),
  );
}

export async function seedRejection(db: Db, receivedAt: Date, reason: string, occurrences = 1): Promise<void> {
  await db.insert(webhookRejections).values({ id: randomUUID(), receivedAt, reason, occurrences });
}

export async function seedWorkflow(db: Db, workflowId: string, status: string, updatedAt: Date): Promise<void> {
  await db.insert(workflows).values({ workflowId, status, firstEventAt: updatedAt, lastEventAt: updatedAt, eventCount: 1, updatedAt });
}

export async function seedAuthFailure(db: Db, when: Date, count?: number): Promise<void> {
  await db.insert(auditLog).values({
    id: randomUUID(),
    at: when,
    actor: count ? 'many' : 'unknown',
    action: 'auth.failed',
    outcome: 'failure',
    details: count ? { count } : { reason: 'Invalid or missing authentication key.' },
  });
}

export async function alertRows(db: Db, rule?: string) {
  return db
    .select(alertColumns)
    .from(alerts)
    .where(rule ? eq(alerts.rule, rule) : undefined)
    .orderBy(asc(alerts.firedAt));
}

/** A Slack-like receiver on an ephemeral loopback port that can be told to fail, or to hold its answers. */
export interface AlertReceiver {
  url: string;
  received: { body: Record<string, unknown>; status: number }[];
  /** The next `n` requests answer `status`. */
  failNext(n: number, status?: number): void;
  /** From now on posts are recorded as they arrive but answered only at `release()`. */
  hold(): void;
  /** Answers every held post, and stops holding. */
  release(): void;
  /** Resolves once `n` posts have arrived in all. */
  arrived(n: number): Promise<void>;
  close(): Promise<void>;
}

/** `onPost` runs as each post arrives, before it is answered (to see what else holds at that moment). */
export async function startAlertReceiver(opts: { onPost?: (body: Record<string, unknown>) => void } = {}): Promise<AlertReceiver> {
  const received: AlertReceiver['received'] = [];
  let failures = 0;
  let failStatus = 500;
  let holding = false;
  const held: (() => void)[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const status = failures > 0 ? failStatus : 200;
      if (failures > 0) failures--;
      const body = JSON.parse(text) as Record<string, unknown>;
      opts.onPost?.(body);
      received.push({ body, status });
      for (const w of waiting.filter((x) => received.length >= x.n)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
      const answer = () => res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'error');
      if (holding) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/hook`,
    received,
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    arrived: (n) => (received.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
