import type { ReplayProblem } from '../../contracts/replay';
import type { ReplayCandidate } from './plan-workflow-replay';

// A log with offsets 0 and 2e9 would otherwise list gaps without end.
const MAX_GAPS = 100;

/**
 * What an operator should know before trusting a replay: offsets missing
 * from `fromOffset` to the highest one stored (an event Opal sent that never
 * arrived, so the fold runs without it), agents outside the nine (recorded,
 * not refused), and events without an offset (folded after all others).
 */
export function findReplayProblems(events: readonly ReplayCandidate[], fromOffset: number): ReplayProblem[] {
  const problems: ReplayProblem[] = [];
  const offsets = [...new Set(events.flatMap((e) => (e.offset === null ? [] : [e.offset])))].sort((a, b) => a - b);
  let expected = fromOffset;
  let gaps = 0;
  for (const o of offsets) {
    if (o > expected) {
      if (gaps++ < MAX_GAPS) {
        const span = o - 1 === expected ? `${expected}` : `${expected}–${o - 1}`;
        problems.push({ kind: 'offset_gap', from_offset: expected, to_offset: o - 1, message: `No event with offset ${span} is stored.` });
      }
    }
    expected = Math.max(expected, o + 1);
  }
  if (gaps > MAX_GAPS) {
    problems.push({ kind: 'offset_gap', message: `${gaps - MAX_GAPS} more offset gaps are not listed.` });
  }

  const unknown = new Map<string, number>();
  for (const e of events) {
    if (!e.knownAgent && e.agentId !== null) unknown.set(e.agentId, (unknown.get(e.agentId) ?? 0) + 1);
  }
  for (const [agentId, count] of unknown) {
    problems.push({
      kind: 'unknown_agent',
      agent_id: agentId,
      event_count: count,
      message: `Agent "${agentId}" is not one of strategy_workflow's nine agents; its events are folded and flagged.`,
    });
  }

  const withoutOffset = events.filter((e) => e.offset === null).length;
  if (withoutOffset > 0) {
    problems.push({
      kind: 'missing_offset',
      event_count: withoutOffset,
      message: `${withoutOffset} event(s) have no offset; they are applied after every event that has one.`,
    });
  }
  return problems;
}
