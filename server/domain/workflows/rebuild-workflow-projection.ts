import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { agentRuns, webhookEvents, workflows } from '../../db/schema';
import type { EventType, Outcome } from '../../contracts/webhook-event';
import { type FoldEvent, foldWorkflow } from './fold-workflow';


/** What the fold reads of each processed event (tests fold with the same columns). */
export const FOLD_EVENT_COLUMNS = {
  seq: webhookEvents.seq,
  offset: webhookEvents.eventOffset,
  eventType: webhookEvents.eventType,
  agentId: webhookEvents.agentId,
  knownAgent: webhookEvents.knownAgent,
  outcome: webhookEvents.outcome,
  outcomeError: webhookEvents.outcomeError,
  eventTimestamp: webhookEvents.eventTimestamp,
  receivedAt: webhookEvents.receivedAt,
};

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

// Namespace of the per-workflow advisory locks (the first key of the pair).
export const WORKFLOW_LOCK_SPACE = 4_202;

/** Recomputes one workflow's projection; see rebuildWorkflowProjections. */
export function rebuildWorkflowProjection(tx: Tx, workflowId: string, opts: { now: Date; timeoutMin: number }): Promise<void> {
  return rebuildWorkflowProjections(tx, [workflowId], opts);
}

/**
 * Recomputes the projections of several workflows from all of their
 * processed events, in a fixed number of statements whatever their count.
 * Transaction-level advisory locks, taken in sorted order, serialise
 * rebuilds of a workflow across workers and processes, so the last writer
 * always folds a log that includes everything committed before it.
 */
export async function rebuildWorkflowProjections(tx: Tx, workflowIds: string[], opts: { now: Date; timeoutMin: number }): Promise<void> {
  const ids = [...new Set(workflowIds)].sort();
  if (ids.length === 0) return;
  const list = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  // WITH ORDINALITY keeps the locks in the sorted order: two workers never wait on each other in a cycle.
  await tx.execute(
    sql`select pg_advisory_xact_lock(${WORKFLOW_LOCK_SPACE}, hashtext(w)) from unnest(array[${list}]::text[]) with ordinality as t(w, i) order by i`,
  );
  const rows = await tx
    .select({ workflowId: webhookEvents.workflowId, ...FOLD_EVENT_COLUMNS })
    .from(webhookEvents)
    .where(and(inArray(webhookEvents.workflowId, ids), eq(webhookEvents.processingStatus, 'processed')))
    .orderBy(asc(webhookEvents.workflowId), asc(webhookEvents.eventOffset), asc(webhookEvents.seq));

  const byWorkflow = new Map<string, FoldEvent[]>(ids.map((id) => [id, []]));
  for (const r of rows) {
    byWorkflow.get(r.workflowId)!.push({
      seq: r.seq,
      offset: r.offset,
      eventType: r.eventType as EventType,
      agentId: r.agentId,
      knownAgent: r.knownAgent,
      outcome: r.outcome as Outcome,
      outcomeError: r.outcomeError,
      eventTime: r.eventTimestamp ?? r.receivedAt,
      receivedAt: r.receivedAt,
    });
  }

  const workflowRows: (typeof workflows.$inferInsert)[] = [];
  const agentRows: (typeof agentRuns.$inferInsert)[] = [];
  const emptied: string[] = [];
  for (const [workflowId, events] of byWorkflow) {
    const state = foldWorkflow(events, opts);
    if (!state) {
      emptied.push(workflowId);
      continue;
    }
    workflowRows.push({
      workflowId,
      status: state.status,
      startedAt: state.startedAt,
      finishedAt: state.finishedAt,
      firstEventAt: state.firstEventAt,
      lastEventAt: state.lastEventAt,
      eventCount: state.eventCount,
      error: state.error,
      unknownAgents: state.unknownAgents,
      updatedAt: opts.now,
    });
    for (const a of state.agents) {
      agentRows.push({
        workflowId,
        agentId: a.agentId,
        status: a.status,
        knownAgent: a.knownAgent,
        startedAt: a.startedAt,
        finishedAt: a.finishedAt,
        error: a.error,
        lastOffset: a.lastOffset,
        updatedAt: opts.now,
      });
    }
  }

  await tx.delete(agentRuns).where(inArray(agentRuns.workflowId, ids));
  if (emptied.length > 0) await tx.delete(workflows).where(inArray(workflows.workflowId, emptied));
  if (workflowRows.length > 0) {
    await tx
      .insert(workflows)
      .values(workflowRows)
      .onConflictDoUpdate({
        target: workflows.workflowId,
        set: {
          status: sql`excluded.status`,
          startedAt: sql`excluded.started_at`,
          finishedAt: sql`excluded.finished_at`,
          firstEventAt: sql`excluded.first_event_at`,
          lastEventAt: sql`excluded.last_event_at`,
          eventCount: sql`excluded.event_count`,
          error: sql`excluded.error`,
          unknownAgents: sql`excluded.unknown_agents`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
  if (agentRows.length > 0) await tx.insert(agentRuns).values(agentRows);
}
