/**
 * Where this process is in its life, as the readiness probe reports it.
 * `serving` until shutdown begins; `draining` while everything is still
 * served but readiness says 503, so that the load balancer stops sending
 * before connections are refused; `stopping` once the listener closes.
 */
export type LifecycleState = 'serving' | 'draining' | 'stopping';

/** What a domain verb may read of it. */
export interface ServingState {
  readonly state: LifecycleState;
}

export class Lifecycle implements ServingState {
  private current: LifecycleState = 'serving';
  private endDrain: (() => void) | undefined;

  get state(): LifecycleState {
    return this.current;
  }

  /**
   * Turns readiness off at once, then resolves after `ms` (or as soon as
   * `skipDrain()` is called) with the state `stopping`. Called once.
   */
  async drain(ms: number): Promise<void> {
    if (this.current !== 'serving') throw new Error(`drain() called while ${this.current}`);
    this.current = 'draining';
    if (ms > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.endDrain = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.endDrain = undefined;
    this.current = 'stopping';
  }

  /** A second signal: the rest of the drain is skipped. Does nothing outside a drain. */
  skipDrain(): void {
    this.endDrain?.();
  }
}
