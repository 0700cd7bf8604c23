// The seam the Opal client talks through; the simulator is one implementation.
export type { OpalHttpRequest, OpalHttpResponse, OpalTransport } from '../client/opal-transport';
import type { DeliveryPolicy } from './post-callback';

export interface SimulatorLogger {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
}

export interface OpalSimulatorOptions {
  /** The webhook secret to sign with (the first of the configured secrets). */
  secret: string;
  /** The bearer the trigger call must carry; a wrong or missing one is a 401, like Opal. */
  authKey: string;
  /** Time between callbacks (OPAL_SIMULATOR_DELAY_MS, default 1500). */
  delayMs: number;
  /** 0..1: chance that each agent fails (OPAL_SIMULATOR_FAILURE_RATE). */
  failureRate: number;
  /** OPAL_SIMULATOR_SEED: same seed and same call order give the same failures and ids. */
  seed?: number;
  /**
   * The server's own loopback callback URL once it listens; when it returns
   * undefined, the trigger's `metadata.callback_url` is used. An origin alone
   * (path "/") gets the path of `metadata.callback_url`, or the webhook route.
   */
  callbackUrlOverride?: () => string | undefined;
  /** False in production-like settings: `metadata.simulator_scenario` is then ignored. */
  allowScenarios: boolean;
  logger?: SimulatorLogger;
  fetchImpl?: typeof fetch;
  /** Retries of a callback post; DEFAULT_DELIVERY_POLICY unless a test needs shorter waits. */
  deliveryPolicy?: DeliveryPolicy;
}
