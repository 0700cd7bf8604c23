import type { WebhookStatus } from '../../contracts/diagnostics';

/**
 * The receiver's health from its own failures only: events we failed to
 * process plus deliveries we refused (bad signature, stale timestamp,
 * malformed body, …), as a percent of all deliveries in the window. What
 * Opal reports about its agents is not the receiver's health.
 */
export const WEBHOOK_STATUS_THRESHOLDS = {
  /** At or above this percent: degraded. */
  degraded_failure_rate: 5,
  /** At or above this percent: unhealthy. */
  unhealthy_failure_rate: 20,
  rule:
    'failure rate = (processing failures + refused deliveries) / (events received + refused deliveries) in the window; ' +
    'no_data when the window holds no delivery; unhealthy at >= 20 %; degraded at >= 5 %; healthy below 5 %',
} as const;

export function failureRatePercent(deliveries: number, failures: number): number {
  return deliveries === 0 ? 0 : Math.round((failures / deliveries) * 10_000) / 100;
}

export function webhookStatusOf(deliveries: number, failureRate: number): WebhookStatus {
  if (deliveries === 0) return 'no_data';
  if (failureRate >= WEBHOOK_STATUS_THRESHOLDS.unhealthy_failure_rate) return 'unhealthy';
  if (failureRate >= WEBHOOK_STATUS_THRESHOLDS.degraded_failure_rate) return 'degraded';
  return 'healthy';
}
