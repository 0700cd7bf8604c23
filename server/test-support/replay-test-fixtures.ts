/**
 * Test fixtures for replay (imported by tests only): store real signed
 * events through HTTP, leave what a failed projection update leaves behind,
 * and compare a workflow's projection with a fresh fold of its log.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { expect } from 'vitest';
import type { EventType, Outcome } from '../contracts/webhook-event';
import type { Db } from '../db/database';
import { agentRuns, webhookEvents, workflows } from '../db/schema';
import { foldWorkflow } from '../domain/workflows/fold-workflow';
import { FOLD_EVENT_COLUMNS, rebuildWorkflowProjection } from '../domain/workflows/rebuild-workflow-projection';
import type { TestServer } from './test-server';
import { type EventBody, makeEvent, postOsa } from './webhook-client';

/** A strategy_workflow run: started, each agent started and completed, completed; offsets 0, 1, 2, … */
export function strategyRun(workflowId: string, agents: string[] = ['content_review', 'geo_audit'], opts: { complete?: boolean } = {}): EventBody[] {
  const events: EventBody[] = [makeEvent({ workflow_id: workflowId, event_type: 'workflow.started' })];
  for (const agent_id of agents) {
    events.push(makeEvent({ workflow_id: workflowId, event_type: 'agent.started', agent_id }));
    events.push(makeEvent({ workflow_id: workflowId, event_type: 'agent.completed', agent_id, execution_status: 'success' }));
  }
  if (opts.complete !== false) events.push(makeEvent({ workflow_id: workflowId, event_type: 'workflow.completed' }));
  return events.map((e, offset) => ({ ...e, offset }));
}

/** Posts each event signed (OSA scheme), expects 202, waits until the worker has processed them; the stored ids in order. */
export async function storeEvents(s: TestServer, events: EventBody[]): Promise<string[]> {
  const ids: string[] = [];
  for (const e of events) {
    const r = await postOsa(s.url, s.config.webhook.secrets[0]!, e);
    expect(r.status).toBe(202);
    ids.push(String(r.body.event_id));
  }
  await s.settle();
  return ids;
}

/**
 * What a failed projection update leaves behind: the events marked failed
 * with the reason, and a projection that does not include them.
 */
export async function markFailed(db: Db, ids: string[], error = 'projection update failed: simulated outage'): Promise<void> {
  const rows = await db
    .update(webhookEvents)
    .set({ processingStatus: 'failed', processingError: error })
    .where(inArray(webhookEvents.id, ids))
    .returning({ workflowId: webhookEvents.workflowId });
  for (const workflowId of new Set(rows.map((r) => r.workflowId))) {
    await db.transaction((tx) => rebuildWorkflowProjection(tx, workflowId, { now: new Date(), timeoutMin: 30 }));
  }
}

/** A workflow's projection, without the bookkeeping columns. */
export async function projectionOf(db: Db, workflowId: string) {
  const [w] = await db
    .select({
      status: workflows.status,
      startedAt: workflows.startedAt,
      finishedAt: workflows.finishedAt,
      firstEventAt: workflows.firstEventAt,
      lastEventAt: workflows.lastEventAt,
      eventCount: workflows.eventCount,
      error: workflows.error,
      unknownAgents: workflows.unknownAgents,
    })
    .from(workflows)
    .where(eq(workflows.workflowId, workflowId));
  const agents = await db
    .select({
      agentId: agentRuns.agentId,
      status: agentRuns.status,
      knownAgent: agentRuns.knownAgent,
      startedAt: agentRuns.startedAt,
      finishedAt: agentRuns.finishedAt,
      error: agentRuns.error,
      lastOffset: agentRuns.lastOffset,
    })
    .from(agentRuns)
    .where(eq(agentRuns.workflowId, workflowId))
    .orderBy(asc(agentRuns.agentId));
  return w ? { ...w, agents } : null;
}

/** A fresh fold of the workflow's processed events, in the projection's shape. */
export async function foldOf(db: Db, workflowId: string) {
  const rows = await db
    .select(FOLD_EVENT_COLUMNS)
    .from(webhookEvents)
    .where(and(eq(webhookEvents.workflowId, workflowId), eq(webhookEvents.processingStatus, 'processed')));
  const state = foldWorkflow(
    rows.map((r) => ({
      ...r,
      eventType: r.eventType as EventType,
      outcome: r.outcome as Outcome,
      eventTime: r.eventTimestamp ?? r.receivedAt,
    })),
    { now: new Date(), timeoutMin: 30 },
  );
  if (!state) return null;
  const { agents, ...workflow } = state;
  return { ...workflow, agents: [...agents].sort((a, b) => a.agentId.localeCompare(b.agentId)) };
}

/** Every stored column of a workflow's events that replay must never change, and those it sets. */
export async function eventsOf(db: Db, workflowId: string) {
  return db
    .select({
      id: webhookEvents.id,
      offset: webhookEvents.eventOffset,
      payload: webhookEvents.payload,
      receivedAt: webhookEvents.receivedAt,
      outcome: webhookEvents.outcome,
      outcomeError: webhookEvents.outcomeError,
      processingStatus: webhookEvents.processingStatus,
      processingError: webhookEvents.processingError,
      processedAt: webhookEvents.processedAt,
      processingMs: webhookEvents.processingMs,
    })
    .from(webhookEvents)
    .where(eq(webhookEvents.workflowId, workflowId))
    .orderBy(asc(webhookEvents.seq));
}

/** The columns of eventsOf that replay must never change. */
export const immutable = (rows: Awaited<ReturnType<typeof eventsOf>>) =>
  rows.map((r) => ({ id: r.id, payload: r.payload, receivedAt: r.receivedAt, outcome: r.outcome, outcomeError: r.outcomeError }));
