import { describe, expect, it } from 'vitest';
import { findReplayProblems } from './find-replay-problems';
import type { ReplayCandidate } from './plan-workflow-replay';

let seq = 0;
const ev = (offset: number | null, p: Partial<ReplayCandidate> = {}): ReplayCandidate => {
  seq++;
  return { id: `e${seq}`, seq, offset, eventType: 'agent.started', agentId: 'geo_audit', knownAgent: true, processingStatus: 'processed', outcome: 'in_progress', ...p };
};

describe('findReplayProblems', () => {
  it('finds nothing in a complete log', () => {
    expect(findReplayProblems([ev(0), ev(1), ev(1), ev(2)], 0)).toEqual([]);
  });

  it('names each run of missing offsets, counting from from_offset', () => {
    const problems = findReplayProblems([ev(2), ev(3), ev(7)], 0);
    expect(problems.map((p) => [p.kind, p.from_offset, p.to_offset])).toEqual([
      ['offset_gap', 0, 1],
      ['offset_gap', 4, 6],
    ]);
    expect(problems[1]!.message).toBe('No event with offset 4–6 is stored.');
    expect(findReplayProblems([ev(5), ev(6)], 5)).toEqual([]);
  });

  it('caps the gaps it lists', () => {
    const problems = findReplayProblems(Array.from({ length: 150 }, (_, i) => ev(i * 2 + 1)), 0);
    expect(problems).toHaveLength(101);
    expect(problems[100]!.message).toBe('50 more offset gaps are not listed.');
  });

  it('flags unknown agents with their event count, and events without an offset', () => {
    const problems = findReplayProblems([ev(0), ev(1, { agentId: 'mystery', knownAgent: false }), ev(2, { agentId: 'mystery', knownAgent: false }), ev(null)], 0);
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'unknown_agent', agent_id: 'mystery', event_count: 2 }),
      expect.objectContaining({ kind: 'missing_offset', event_count: 1 }),
    ]);
  });
});
