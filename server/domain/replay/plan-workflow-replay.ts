import type { ReplayOptions, SkipReason } from '../../contracts/replay';
import type { Outcome, ProcessingStatus } from '../../contracts/webhook-event';

/** A stored event as replay sees it (never its payload). */
export interface ReplayCandidate {
  id: string;
  seq: number;
  offset: number | null;
  eventType: string;
  agentId: string | null;
  knownAgent: boolean;
  processingStatus: ProcessingStatus;
  outcome: Outcome;
}

export interface PlannedEvent {
  event: ReplayCandidate;
  action: 'rerun' | 'skip';
  skipReason: SkipReason | null;
  duplicateOf: string | null;
}

/** The fold's order: offset, events without one last, ties by arrival. */
export function compareCandidates(a: ReplayCandidate, b: ReplayCandidate): number {
  if (a.offset !== b.offset) {
    if (a.offset === null) return 1;
    if (b.offset === null) return -1;
    return a.offset - b.offset;
  }
  return a.seq - b.seq;
}

/**
 * Decides, in offset order, which of a workflow's events a replay re-runs.
 * Without `force_reprocess` a processed event is left alone. A semantic
 * duplicate (same type, agent and offset as an earlier arrival) is skipped
 * when asked; an event without an offset has no identity to compare, so it
 * is never one. `max_events` caps the re-runs, the rest reported skipped.
 * Skipping never changes an event: a processed duplicate stays in the fold,
 * a failed one stays failed.
 */
export function planWorkflowReplay(
  events: readonly ReplayCandidate[],
  options: Pick<ReplayOptions, 'force_reprocess' | 'skip_duplicates' | 'max_events'>,
): PlannedEvent[] {
  const firstByKey = new Map<string, string>();
  let reruns = 0;
  return [...events].sort(compareCandidates).map((event) => {
    const key = event.offset === null ? null : `${event.eventType}\u0000${event.agentId ?? ''}\u0000${event.offset}`;
    const original = key === null ? undefined : firstByKey.get(key);
    if (key !== null && original === undefined) firstByKey.set(key, event.id);
    const skip = (skipReason: SkipReason, duplicateOf: string | null = null): PlannedEvent => ({
      event,
      action: 'skip',
      skipReason,
      duplicateOf,
    });
    if (!options.force_reprocess && event.processingStatus === 'processed') return skip('already_processed');
    if (options.skip_duplicates && original !== undefined) return skip('duplicate', original);
    if (reruns >= options.max_events) return skip('over_max_events');
    reruns++;
    return { event, action: 'rerun', skipReason: null, duplicateOf: null };
  });
}
