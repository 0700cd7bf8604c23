import { asc, eq } from 'drizzle-orm';
import { syncIdSchema } from '../../contracts/force-sync';
import { isStrategyAgent, STRATEGY_AGENTS } from '../../contracts/strategy-workflow';
import { agentRuns, syncRequests, webhookEvents, workflows } from '../../db/schema';
import type { Ctx } from '../context';
import { notFound } from '../errors';

const MAX_EVENTS = 500;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const between = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : null);

/**
 * The polling URL: the sync request, Opal's workflow as folded from its
 * callbacks, each of the nine agents (pending until a callback says
 * otherwise), and the events received so far.
 */
export async function getSyncStatus({ ctx, input }: { ctx: Ctx; input: { syncId: string } }) {
  if (!syncIdSchema.safeParse(input.syncId).success) throw notFound(`No force sync ${input.syncId}.`);
  const [sync] = await ctx.db
    .select({
      syncId: syncRequests.syncId,
      kind: syncRequests.kind,
      correlationId: syncRequests.correlationId,
      status: syncRequests.status,
      syncScope: syncRequests.syncScope,
      clientName: syncRequests.clientName,
      clientSessionId: syncRequests.clientSessionId,
      opalMode: syncRequests.opalMode,
      opalWorkflowId: syncRequests.opalWorkflowId,
      opalSessionId: syncRequests.opalSessionId,
      opalOutcome: syncRequests.opalOutcome,
      opalAttempts: syncRequests.opalAttempts,
      opalLatencyMs: syncRequests.opalLatencyMs,
      error: syncRequests.error,
      createdAt: syncRequests.createdAt,
    })
    .from(syncRequests)
    .where(eq(syncRequests.syncId, input.syncId));
  if (!sync) throw notFound(`No force sync ${input.syncId}.`);

  const workflowId = sync.opalWorkflowId;
  const [workflow] = workflowId
    ? await ctx.db
        .select({
          status: workflows.status,
          startedAt: workflows.startedAt,
          finishedAt: workflows.finishedAt,
          lastEventAt: workflows.lastEventAt,
          eventCount: workflows.eventCount,
          error: workflows.error,
          unknownAgents: workflows.unknownAgents,
        })
        .from(workflows)
        .where(eq(workflows.workflowId, workflowId))
    : [];
  const agents = workflowId
    ? await ctx.db
        .select({
          agentId: agentRuns.agentId,
          status: agentRuns.status,
          startedAt: agentRuns.startedAt,
          finishedAt: agentRuns.finishedAt,
          error: agentRuns.error,
        })
        .from(agentRuns)
        .where(eq(agentRuns.workflowId, workflowId))
    : [];
  const events = workflowId
    ? await ctx.db
        .select({
          id: webhookEvents.id,
          eventType: webhookEvents.eventType,
          agentId: webhookEvents.agentId,
          offset: webhookEvents.eventOffset,
          receivedAt: webhookEvents.receivedAt,
          processingStatus: webhookEvents.processingStatus,
          outcome: webhookEvents.outcome,
          processingError: webhookEvents.processingError,
          outcomeError: webhookEvents.outcomeError,
        })
        .from(webhookEvents)
        .where(eq(webhookEvents.workflowId, workflowId))
        .orderBy(asc(webhookEvents.eventOffset), asc(webhookEvents.seq))
        .limit(MAX_EVENTS)
    : [];

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
    sync_id: sync.syncId,
    kind: sync.kind,
    correlation_id: sync.correlationId,
    // One word for a poller: the sync's own failure, else the workflow's state.
    status: sync.status === 'triggered' ? (workflow?.status ?? 'waiting_for_callbacks') : sync.status,
    requested_at: sync.createdAt.toISOString(),
    sync_scope: sync.syncScope,
    client_name: sync.clientName,
    session_id: sync.clientSessionId,
    opal: {
      mode: sync.opalMode,
      workflow_id: workflowId,
      session_id: sync.opalSessionId,
      outcome: sync.opalOutcome,
      attempts: sync.opalAttempts,
      latency_ms: sync.opalLatencyMs,
      error: sync.error,
    },
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
      outcome: e.outcome,
      error_message: e.processingError ?? e.outcomeError,
    })),
  };
}
