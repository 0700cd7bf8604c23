import type { EventType, Outcome } from '../../contracts/webhook-event';

export const WORKFLOW_STATUSES = ['running', 'completed', 'failed', 'timed_out'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];
export const AGENT_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface FoldEvent {
  seq: number;
  offset: number | null;
  eventType: EventType;
  agentId: string | null;
  knownAgent: boolean;
  outcome: Outcome;
  outcomeError: string | null;
  /** Opal's timestamp when it sent one, else our arrival time. */
  eventTime: Date;
  receivedAt: Date;
}

export interface AgentState {
  agentId: string;
  status: AgentStatus;
  knownAgent: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  lastOffset: number | null;
}

export interface WorkflowState {
  status: WorkflowStatus;
  startedAt: Date | null;
  finishedAt: Date | null;
  firstEventAt: Date;
  lastEventAt: Date;
  eventCount: number;
  error: string | null;
  unknownAgents: string[];
  agents: AgentState[];
}

/** Offset order, ties (and events without an offset, last) by arrival. */
export function compareEvents(a: FoldEvent, b: FoldEvent): number {
  if (a.offset !== b.offset) {
    if (a.offset === null) return 1;
    if (b.offset === null) return -1;
    return a.offset - b.offset;
  }
  return a.seq - b.seq;
}

/**
 * A workflow's state is the fold of its processed events, so live processing
 * and replay give the same answer and replaying twice changes nothing. Only
 * workflow events end a workflow; an agent event reopens nothing that ended.
 * "Timed out" is the one rule that needs the clock: a workflow still running
 * with no event for `timeoutMin` minutes.
 */
export function foldWorkflow(events: FoldEvent[], opts: { now: Date; timeoutMin: number }): WorkflowState | null {
  if (events.length === 0) return null;
  const ordered = [...events].sort(compareEvents);
  const agents = new Map<string, AgentState>();
  let status: WorkflowStatus = 'running';
  let startedAt: Date | null = null;
  let finishedAt: Date | null = null;
  let error: string | null = null;
  let firstEventAt = ordered[0]!.receivedAt;
  let lastEventAt = ordered[0]!.receivedAt;

  for (const e of ordered) {
    if (e.receivedAt < firstEventAt) firstEventAt = e.receivedAt;
    if (e.receivedAt > lastEventAt) lastEventAt = e.receivedAt;
    const ended = status === 'completed' || status === 'failed';
    switch (e.eventType) {
      case 'workflow.started':
        startedAt ??= e.eventTime;
        break;
      case 'workflow.completed':
      case 'workflow.failed':
        if (!ended) {
          status = e.outcome === 'failure' ? 'failed' : 'completed';
          finishedAt = e.eventTime;
          error = e.outcome === 'failure' ? e.outcomeError : null;
        }
        break;
      default:
        if (e.agentId !== null) applyAgentEvent(agents, e, e.agentId);
    }
  }
  startedAt ??= firstEventAt;
  if (status === 'running' && opts.now.getTime() - lastEventAt.getTime() > opts.timeoutMin * 60_000) {
    status = 'timed_out';
  }
  const agentList = [...agents.values()];
  return {
    status,
    startedAt,
    finishedAt,
    firstEventAt,
    lastEventAt,
    eventCount: ordered.length,
    error,
    unknownAgents: agentList.filter((a) => !a.knownAgent).map((a) => a.agentId),
    agents: agentList,
  };
}

function applyAgentEvent(agents: Map<string, AgentState>, e: FoldEvent, agentId: string): void {
  const a: AgentState = agents.get(agentId) ?? {
    agentId,
    status: 'pending',
    knownAgent: e.knownAgent,
    startedAt: null,
    finishedAt: null,
    error: null,
    lastOffset: null,
  };
  if (e.outcome === 'in_progress') {
    a.status = 'running';
    a.startedAt ??= e.eventTime;
    a.finishedAt = null;
    a.error = null;
  } else {
    a.status = e.outcome === 'success' ? 'completed' : 'failed';
    a.startedAt ??= e.eventTime;
    a.finishedAt = e.eventTime;
    a.error = e.outcome === 'failure' ? e.outcomeError : null;
  }
  a.lastOffset = e.offset ?? a.lastOffset;
  agents.set(agentId, a);
}
