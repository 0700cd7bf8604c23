import { describe, expect, it } from 'vitest';
import { STRATEGY_AGENTS } from '../../contracts/strategy-workflow';
import { type FoldEvent, foldWorkflow } from './fold-workflow';

const t0 = new Date('2026-11-01T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
let seq = 0;
function ev(p: Partial<FoldEvent> & Pick<FoldEvent, 'eventType'>): FoldEvent {
  seq++;
  const outcome =
    p.outcome ??
    (p.eventType.endsWith('failed') ? 'failure' : p.eventType.endsWith('completed') ? 'success' : 'in_progress');
  return {
    seq,
    offset: seq,
    agentId: null,
    knownAgent: true,
    outcomeError: outcome === 'failure' ? 'boom' : null,
    eventTime: at(seq),
    receivedAt: at(seq),
    ...p,
    outcome,
  };
}
const opts = { now: at(100), timeoutMin: 30 };

function fullRun(): FoldEvent[] {
  seq = 0;
  const events = [ev({ eventType: 'workflow.started' })];
  for (const agentId of STRATEGY_AGENTS) {
    events.push(ev({ eventType: 'agent.started', agentId }), ev({ eventType: 'agent.completed', agentId }));
  }
  events.push(ev({ eventType: 'workflow.completed' }));
  return events;
}

describe('foldWorkflow', () => {
  it('returns null for no events', () => {
    expect(foldWorkflow([], opts)).toBeNull();
  });

  it('folds a whole run into a completed workflow with nine completed agents', () => {
    const s = foldWorkflow(fullRun(), opts)!;
    expect(s.status).toBe('completed');
    expect(s.agents).toHaveLength(9);
    expect(s.agents.every((a) => a.status === 'completed')).toBe(true);
    expect(s.eventCount).toBe(20);
    expect(s.startedAt).toEqual(at(1));
    expect(s.finishedAt).toEqual(at(20));
  });

  it('gives the same state whatever order the events arrived in (offset order wins)', () => {
    const events = fullRun();
    const reversed = [...events].reverse().map((e, i) => ({ ...e, seq: i + 1 }));
    expect(foldWorkflow(reversed, opts)).toEqual(foldWorkflow(events, opts));
  });

  it('breaks offset ties by arrival', () => {
    seq = 0;
    const a = ev({ eventType: 'agent.completed', agentId: 'geo_audit', offset: 5 });
    const b = ev({ eventType: 'agent.started', agentId: 'geo_audit', offset: 5 });
    expect(foldWorkflow([b, a], opts)!.agents[0]!.status).toBe('running');
  });

  it('keeps a workflow running until a workflow event ends it, and records agent failures with their error', () => {
    seq = 0;
    const s = foldWorkflow(
      [ev({ eventType: 'workflow.started' }), ev({ eventType: 'agent.failed', agentId: 'geo_audit', outcomeError: 'quota exceeded' })],
      opts,
    )!;
    expect(s.status).toBe('running');
    expect(s.agents[0]).toMatchObject({ agentId: 'geo_audit', status: 'failed', error: 'quota exceeded' });
  });

  it('marks a failed workflow with Opal\'s error', () => {
    seq = 0;
    const s = foldWorkflow([ev({ eventType: 'workflow.started' }), ev({ eventType: 'workflow.failed', outcomeError: 'upstream down' })], opts)!;
    expect(s).toMatchObject({ status: 'failed', error: 'upstream down' });
  });

  it('treats an agent.completed whose execution failed as a failure', () => {
    seq = 0;
    const s = foldWorkflow([ev({ eventType: 'agent.completed', agentId: 'geo_audit', outcome: 'failure', outcomeError: 'timeout' })], opts)!;
    expect(s.agents[0]!.status).toBe('failed');
  });

  it('does not reopen an ended workflow', () => {
    seq = 0;
    const s = foldWorkflow(
      [ev({ eventType: 'workflow.completed' }), ev({ eventType: 'workflow.failed' }), ev({ eventType: 'agent.started', agentId: 'geo_audit' })],
      opts,
    )!;
    expect(s.status).toBe('completed');
  });

  it('flags agents outside the nine without refusing them', () => {
    seq = 0;
    const s = foldWorkflow([ev({ eventType: 'agent.started', agentId: 'mystery_agent', knownAgent: false })], opts)!;
    expect(s.unknownAgents).toEqual(['mystery_agent']);
    expect(s.status).toBe('running');
  });

  it('times out a running workflow with no event for the time-out, and only then', () => {
    seq = 0;
    const events = [ev({ eventType: 'workflow.started' })];
    const last = events[0]!.receivedAt.getTime();
    expect(foldWorkflow(events, { now: new Date(last + 30 * 60_000), timeoutMin: 30 })!.status).toBe('running');
    expect(foldWorkflow(events, { now: new Date(last + 30 * 60_000 + 1), timeoutMin: 30 })!.status).toBe('timed_out');
  });

  it('orders events without an offset after those with one', () => {
    seq = 0;
    const late = ev({ eventType: 'agent.completed', agentId: 'geo_audit', offset: null });
    const early = ev({ eventType: 'agent.started', agentId: 'geo_audit', offset: 3 });
    expect(foldWorkflow([late, early], opts)!.agents[0]!.status).toBe('completed');
  });
});
