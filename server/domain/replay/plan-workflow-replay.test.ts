import { describe, expect, it } from 'vitest';
import { type ReplayCandidate, planWorkflowReplay } from './plan-workflow-replay';

let seq = 0;
const ev = (p: Partial<ReplayCandidate> & Pick<ReplayCandidate, 'offset'>): ReplayCandidate => {
  seq++;
  return {
    id: `e${seq}`,
    seq,
    eventType: 'agent.completed',
    agentId: 'geo_audit',
    knownAgent: true,
    processingStatus: 'failed',
    outcome: 'success',
    ...p,
  };
};
const opts = { force_reprocess: false, skip_duplicates: false, max_events: 1000 };
const summary = (plan: ReturnType<typeof planWorkflowReplay>) => plan.map((p) => [p.event.id, p.action, p.skipReason, p.duplicateOf]);

describe('planWorkflowReplay', () => {
  it('re-runs what is not processed, in offset order (no offset last, ties by arrival)', () => {
    seq = 0;
    const events = [ev({ offset: 2 }), ev({ offset: null }), ev({ offset: 0, processingStatus: 'processed' }), ev({ offset: 2, processingStatus: 'pending' })];
    expect(summary(planWorkflowReplay(events, opts))).toEqual([
      ['e3', 'skip', 'already_processed', null],
      ['e1', 'rerun', null, null],
      ['e4', 'rerun', null, null],
      ['e2', 'rerun', null, null],
    ]);
  });

  it('re-runs processed events too with force_reprocess', () => {
    seq = 0;
    const events = [ev({ offset: 0, processingStatus: 'processed' }), ev({ offset: 1 })];
    expect(planWorkflowReplay(events, { ...opts, force_reprocess: true }).every((p) => p.action === 'rerun')).toBe(true);
  });

  it('skips a semantic duplicate (same type, agent, offset; later arrival), naming the original, only when asked', () => {
    seq = 0;
    const events = [
      ev({ offset: 3 }),
      ev({ offset: 3 }), // the duplicate
      ev({ offset: 3, eventType: 'agent.started' }), // another type: not one
      ev({ offset: 3, agentId: 'content_review' }), // another agent: not one
      ev({ offset: null }),
      ev({ offset: null }), // no offset, no identity
    ];
    expect(planWorkflowReplay(events, opts).every((p) => p.action === 'rerun')).toBe(true);
    const plan = planWorkflowReplay(events, { ...opts, skip_duplicates: true });
    expect(plan.filter((p) => p.action === 'skip').map((p) => [p.event.id, p.skipReason, p.duplicateOf])).toEqual([['e2', 'duplicate', 'e1']]);
  });

  it('judges a duplicate against a processed original as well', () => {
    seq = 0;
    const events = [ev({ offset: 1, processingStatus: 'processed' }), ev({ offset: 1 })];
    expect(summary(planWorkflowReplay(events, { ...opts, skip_duplicates: true }))[1]).toEqual(['e2', 'skip', 'duplicate', 'e1']);
  });

  it('caps the re-runs at max_events and reports the rest as over the cap', () => {
    seq = 0;
    const events = [0, 1, 2, 3, 4].map((o) => ev({ offset: o }));
    const plan = planWorkflowReplay(events, { ...opts, max_events: 2 });
    expect(plan.map((p) => p.skipReason)).toEqual([null, null, 'over_max_events', 'over_max_events', 'over_max_events']);
  });
});
