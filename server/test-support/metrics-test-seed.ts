import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import { httpRequestRollups, syncRequests, webhookEvents, webhookRejections, workflows } from '../db/schema';

/** Test data for the metrics service: rows written straight to the tables, at chosen times. */

type EventRow = typeof webhookEvents.$inferInsert;

export function eventRow(o: {
  at: string | number;
  type?: string;
  agent?: string | null;
  status?: 'processed' | 'failed' | 'pending';
  outcome?: 'success' | 'failure' | 'in_progress';
  ms?: number | null;
  workflowId?: string;
}): EventRow {
  const receivedAt = new Date(o.at);
  const status = o.status ?? 'processed';
  const ms = status === 'processed' ? (o.ms ?? 10) : null;
  const id = randomUUID();
  return {
    id,
    dedupKey: `ev:${id}`,
    workflowId: o.workflowId ?? 'wf-seed',
    eventType: o.type ?? 'agent.completed',
    agentId: o.agent === undefined ? 'content_review' : o.agent,
    payload: {},
    payloadSize: 2,
    signatureScheme: 'osa',
    receivedAt,
    processedAt: status === 'pending' ? null : new Date(receivedAt.getTime() + (ms ?? 1)),
    processingMs: ms,
    processingStatus: status,
    processingError: status === 'failed' ? 'projection update failed: seeded' : null,
    outcome: o.outcome ?? 'success',
    correlationId: 'seed',
  };
}

export async function insertEvents(db: Db, rows: EventRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(webhookEvents).values(rows.slice(i, i + 500));
}

export async function insertRejection(db: Db, at: string, reason: string, occurrences = 1): Promise<void> {
  await db.insert(webhookRejections).values({ id: randomUUID(), receivedAt: new Date(at), reason, occurrences });
}

export async function insertHttp(db: Db, minute: string, route: string, status: number, count: number, sumMs: number): Promise<void> {
  await db.insert(httpRequestRollups).values({ minute: new Date(minute), route, status, count, sumMs });
}

export async function insertSync(
  db: Db,
  o: { at: string; status: 'triggered' | 'failed' | 'pending'; opalLatencyMs?: number | null; durationMs?: number | null },
): Promise<string> {
  const syncId = randomUUID();
  await db.insert(syncRequests).values({
    syncId,
    kind: 'force_sync',
    correlationId: 'seed',
    caller: 'seed',
    input: {},
    status: o.status,
    opalMode: 'simulator',
    opalLatencyMs: o.opalLatencyMs ?? null,
    durationMs: o.durationMs ?? null,
    createdAt: new Date(o.at),
  });
  return syncId;
}

export async function insertWorkflow(
  db: Db,
  o: { at: string; status: 'running' | 'completed' | 'failed' | 'timed_out'; durationMs?: number },
): Promise<string> {
  const start = new Date(o.at);
  const finished = o.status === 'running' ? null : new Date(start.getTime() + (o.durationMs ?? 1000));
  const workflowId = `wf-${randomUUID()}`;
  await db.insert(workflows).values({
    workflowId,
    status: o.status,
    startedAt: start,
    finishedAt: finished,
    firstEventAt: start,
    lastEventAt: finished ?? start,
    eventCount: 1,
    updatedAt: finished ?? start,
  });
  return workflowId;
}

/** A seeded generator (so a failure can be reproduced) of log-normal processing times, median ~40 ms. */
export function processingTimes(seed: number): () => number {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 1) / 2 ** 32;
  };
  return () => Math.max(1, Math.round(Math.exp(3.7 + 0.9 * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()))));
}

/** percentile_cont, as PostgreSQL computes it. */
export function exactPercentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const rank = p * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}
