/*
 * A rule fires only after a minute's evaluation of real trouble, too slow and
 * too disruptive for a journey: journeys amend the server's answers to
 * `alerts.list` in flight with alerts of the contract's shape, built here.
 */
export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** A firing, unacknowledged, unsilenced "force sync success rate" alert; `overrides` make the others. */
export function alertFixture(overrides: Record<string, unknown> = {}) {
  return {
    id: '5b0c4f8e-6a39-4d7c-9a57-0d5f1f6f2a01',
    rule: 'force_sync_success_rate',
    severity: 'critical',
    status: 'firing',
    message: 'Force sync success rate 80.0% over 15 min (8 of 10 syncs); fires < 90.0%, resolves at 92.0%.',
    value: 80,
    threshold: 90,
    details: { unit: 'percent', fires: '<', resolve_threshold: 92, window_ms: 900_000 },
    fired_at: minutesAgo(12),
    resolved_at: null,
    last_evaluated_at: minutesAgo(0.5),
    firing_notified_at: null,
    resolved_notified_at: null,
    state: 'firing',
    acknowledged_at: null,
    acknowledged_by: null,
    acknowledge_note: null,
    silence: null,
    history: [] as unknown[],
    ...overrides,
  };
}

/** The backlog rule's figures, for a second alert beside the first. */
export const BACKLOG = {
  rule: 'event_backlog',
  severity: 'warning',
  message: 'Unprocessed backlog 150 (pending events); fires > 100, resolves at 50.',
  value: 150,
  threshold: 100,
  details: { unit: 'count', fires: '>', resolve_threshold: 50 },
};
