import { describe, expect, it } from 'vitest';
import { failureRatePercent, webhookStatusOf } from './webhook-status';

describe('webhookStatusOf', () => {
  it.each([
    [0, 0, 'no_data'],
    [100, 0, 'healthy'],
    [100, 4, 'healthy'],
    [100, 5, 'degraded'],
    [100, 19, 'degraded'],
    [100, 20, 'unhealthy'],
    [3, 3, 'unhealthy'],
  ])('%i deliveries with %i failures → %s', (deliveries, failures, status) => {
    expect(webhookStatusOf(deliveries, failureRatePercent(deliveries, failures))).toBe(status);
  });

  it('gives the rate in percent with two decimals', () => {
    expect(failureRatePercent(3, 1)).toBe(33.33);
    expect(failureRatePercent(0, 0)).toBe(0);
  });
});
