import { asc, eq } from 'drizzle-orm';
import { isStrategyAgent, STRATEGY_AGENTS } from '../../contracts/strategy-workflow';
import { agentRuns, webhookEvents, workflows } from '../../db/schema';
import type { Ctx } from '../context';

const MAX_EVENTS = 500;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const between = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : null);

/**
 * One workflow as folded from its callbacks: its state, each of the nine
 * agents (pending until a callback says otherwise, plus any unknown agent),
 * and its events in offset order. Shared by the polling URL and the console.
 */

/** What a workflow's summary reads of its row: its detail and the workflows list alike. */
export const WORKFLOW_SUMMARY_COLUMNS = {
  status: workflows.status,
  startedAt: workflows.startedAt,
  finishedAt: workflows.finishedAt,
  lastEventAt: workflows.lastEventAt,
  eventCount: workflows.eventCount,
  error: workflows.error,
  unknownAgents: workflows.unknownAgents,
};

export async function describeWorkflow(ctx: Ctx, workflowId: string | null) {
  if (workflowId === null) return summarise(null, null, [], []);
  const [workflow] = await ctx.db
    .select(WORKFLOW_SUMMARY_COLUMNS)
    .from(workflows)
    .where(eq(workflows.workflowId, workflowId));
  const agents = await ctx.db
    .select({
      agentId: agentRuns.agentId,
      status: agentRuns.status,
      startedAt: agentRuns.startedAt,
      finishedAt: agentRuns.finishedAt,
      error: agentRuns.error,
    })
    .from(agentRuns)
    .where(eq(agentRuns.workflowId, workflowId));
  const events = await ctx.db
    .select({
      id: webhookEvents.id,
      eventType: webhookEvents.eventType,
      agentId: webhookEvents.agentId,
      offset: webhookEvents.eventOffset,
      receivedAt: webhookEvents.receivedAt,
      processingStatus: webhookEvents.processingStatus,
      processingMs: webhookEvents.processingMs,
      outcome: webhookEvents.outcome,
      processingError: webhookEvents.processingError,
      outcomeError: webhookEvents.outcomeError,
    })
    .from(webhookEvents)
    .where(eq(webhookEvents.workflowId, workflowId))
    .orderBy(asc(webhookEvents.eventOffset), asc(webhookEvents.seq))
    .limit(MAX_EVENTS);
  return summarise(workflowId, workflow ?? null, agents, events);
}

type WorkflowRow = { status: string; startedAt: Date | null; finishedAt: Date | null; lastEventAt: Date; eventCount: number; error: string | null; unknownAgents: string[] };
type AgentRow = { agentId: string; status: string; startedAt: Date | null; finishedAt: Date | null; error: string | null };
type EventRow = {
  id: string;
  eventType: string;
  agentId: string | null;
  offset: number | null;
  receivedAt: Date;
  processingStatus: string;
  processingMs: number | null;
  outcome: string;
  processingError: string | null;
  outcomeError: string | null;
};

function summarise(workflowId: string | null, workflow: WorkflowRow | null, agents: AgentRow[], events: EventRow[]) {
  const byId = new Map(agents.map((a) => [a.agentId, a]));
  const agentList = [...STRATEGY_AGENTS, ...agents.map((a) => a.agentId).filter((id) => !isStrategyAgent(id))].map((agentId) => {
    const a = byId.get(agentId);
    return {
      agent_id: agentId,
      known_agent: isStrategyAgent(agentId),
      status: a?.status ?? 'pending',
      started_at: iso(a?.startedAt),
      finished_at: iso(a?.finishedAt),
      duration_ms: a ? between(a.startedAt, a.finishedAt) : null,
      error: a?.error ?? null,
    };
  });
  const count = (s: string) => agentList.filter((a) => a.known_agent && a.status === s).length;
  return {
    workflow: workflow
      ? {
          workflow_id: workflowId,
          status: workflow.status,
          started_at: iso(workflow.startedAt),
          finished_at: iso(workflow.finishedAt),
          duration_ms: between(workflow.startedAt, workflow.finishedAt),
          last_event_at: iso(workflow.lastEventAt),
          event_count: workflow.eventCount,
          error: workflow.error,
          unknown_agents: workflow.unknownAgents,
        }
      : null,
    progress: {
      agents_total: STRATEGY_AGENTS.length,
      agents_completed: count('completed'),
      agents_failed: count('failed'),
      agents_running: count('running'),
      agents_pending: count('pending'),
    },
    agents: agentList,
    events: events.map((e) => ({
      event_id: e.id,
      event_type: e.eventType,
      agent_id: e.agentId,
      offset: e.offset,
      received_at: e.receivedAt.toISOString(),
      processing_status: e.processingStatus,
      processing_ms: e.processingMs,
      outcome: e.outcome,
      // Which kind of failure, and why (DESIGN.md): ours, or one Opal reported.
      error_message: e.processingError
        ? `processing failed: ${e.processingError}`
        : e.outcome === 'failure'
          ? `Opal reported ${e.eventType}: ${e.outcomeError ?? 'no reason given'}`
          : null,
    })),
  };
}
