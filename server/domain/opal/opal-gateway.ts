import type { OpalClient } from './client/opal-client';

/**
 * How this process reaches Opal: the real `OPAL_WEBHOOK_URL` (`live`), or
 * the built-in simulator when none is configured. Both go through the same
 * client, so retries, time-outs and the circuit breaker behave alike.
 */
export interface OpalGateway {
  mode: 'live' | 'simulator';
  client: OpalClient;
  /** Cancels the simulator's pending callbacks (shutdown). */
  stop(): Promise<void>;
}
