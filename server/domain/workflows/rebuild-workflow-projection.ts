import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { agentRuns, webhookEvents, workflows } from '../../db/schema';
import type { EventType, Outcome } from '../../contracts/webhook-event';
import { foldWorkflow } from './fold-workflow';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

// Namespace of the per-workflow advisory locks (the first key of the pair).
const WORKFLOW_LOCK_SPACE = 4_202;

/**
 * Recomputes one workflow's projection from all of its processed events.
 * The transaction-level advisory lock serialises rebuilds of one workflow
 * across workers and processes, so the last writer always folds a log that
 * includes everything committed before it.
 */
export async function rebuildWorkflowProjection(
  tx: Tx,
  workflowId: string,
  opts: { now: Date; timeoutMin: number },
): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${WORKFLOW_LOCK_SPACE}, hashtext(${workflowId}))`);
  const rows = await tx
    .select({
      seq: webhookEvents.seq,
      offset: webhookEvents.eventOffset,
      eventType: webhookEvents.eventType,
      agentId: webhookEvents.agentId,
      knownAgent: webhookEvents.knownAgent,
      outcome: webhookEvents.outcome,
      outcomeError: webhookEvents.outcomeError,
      eventTimestamp: webhookEvents.eventTimestamp,
      receivedAt: webhookEvents.receivedAt,
    })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.workflowId, workflowId), eq(webhookEvents.processingStatus, 'processed')))
    .orderBy(asc(webhookEvents.eventOffset), asc(webhookEvents.seq));

  const state = foldWorkflow(
    rows.map((r) => ({
      seq: r.seq,
      offset: r.offset,
      eventType: r.eventType as EventType,
      agentId: r.agentId,
      knownAgent: r.knownAgent,
      outcome: r.outcome as Outcome,
      outcomeError: r.outcomeError,
      eventTime: r.eventTimestamp ?? r.receivedAt,
      receivedAt: r.receivedAt,
    })),
    opts,
  );

  await tx.delete(agentRuns).where(eq(agentRuns.workflowId, workflowId));
  if (!state) {
    await tx.delete(workflows).where(eq(workflows.workflowId, workflowId));
    return;
  }
  const row = {
    status: state.status,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    firstEventAt: state.firstEventAt,
    lastEventAt: state.lastEventAt,
    eventCount: state.eventCount,
    error: state.error,
    unknownAgents: state.unknownAgents,
    updatedAt: opts.now,
  };
  await tx
    .insert(workflows)
    .values({ workflowId, ...row })
    .onConflictDoUpdate({ target: workflows.workflowId, set: row });
  if (state.agents.length > 0) {
    await tx.insert(agentRuns).values(
      state.agents.map((a) => ({
        workflowId,
        agentId: a.agentId,
        status: a.status,
        knownAgent: a.knownAgent,
        startedAt: a.startedAt,
        finishedAt: a.finishedAt,
        error: a.error,
        lastOffset: a.lastOffset,
        updatedAt: opts.now,
      })),
    );
  }
}
