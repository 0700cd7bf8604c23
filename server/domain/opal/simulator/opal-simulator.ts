import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { formatTraceparent, newSpanId } from '../../../tracing/traceparent';
import { sleep } from './abortable-sleep';
import { planRun, type RunPlan } from './plan-run';
import { postCallback, type DeliveryPolicy } from './post-callback';
import { createRandom, randomSeed, type Random } from './seeded-random';
import type { OpalSimulatorOptions, OpalTransport, OpalHttpRequest, OpalHttpResponse, SimulatorLogger } from './simulator-types';
import { checkTrigger, digestKey, jsonResponse, type TriggerCheck } from './trigger-request';

type TriggerTrace = Extract<TriggerCheck, { kind: 'start' }>['trace'];

export type { SimulatorScenario } from './simulator-scenario';
export type { OpalSimulatorOptions } from './simulator-types';

const silent: SimulatorLogger = { info: () => {}, warn: () => {} };

/**
 * The built-in Opal used when OPAL_WEBHOOK_URL is unset (README.md). The
 * client talks to it through `transport` exactly as it would talk to Opal
 * over HTTP; it answers at once and then, on its own timers, posts signed
 * callbacks to the receiver over real HTTP, so the whole loop (signature,
 * dedup, projections) runs as it does in production.
 */
export class OpalSimulator {
  readonly transport: OpalTransport;

  private readonly options: OpalSimulatorOptions;
  private readonly authKeyDigest: Buffer;
  private readonly logger: SimulatorLogger;
  private readonly fetchImpl: typeof fetch;
  private readonly seeded: boolean;
  /** Hands each run a seed of its own, in call order. */
  private readonly master: Random;
  private readonly runs = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly deliveryPolicy: DeliveryPolicy | undefined;

  constructor(options: OpalSimulatorOptions) {
    // Every run's timers listen on this one signal (each removes its listener when it fires):
    // eleven runs at once are not a leak, so Node's warning at ten is lifted.
    setMaxListeners(0, this.stopping.signal);
    if (typeof options.secret !== 'string' || options.secret.length === 0) throw new TypeError('secret must not be empty');
    if (typeof options.authKey !== 'string' || options.authKey.length === 0) throw new TypeError('authKey must not be empty');
    if (!Number.isFinite(options.delayMs) || options.delayMs < 0) throw new RangeError('delayMs must be a non-negative number');
    if (!(options.failureRate >= 0 && options.failureRate <= 1)) throw new RangeError('failureRate must be between 0 and 1');
    this.options = options;
    this.authKeyDigest = digestKey(options.authKey);
    this.logger = options.logger ?? silent;
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.seeded = options.seed !== undefined;
    this.master = createRandom(options.seed ?? randomSeed());
    this.deliveryPolicy = options.deliveryPolicy;
    this.transport = (req) => this.trigger(req);
  }

  /** Runs whose callbacks are still being sent. */
  activeRuns(): number {
    return this.runs.size;
  }

  /**
   * Cancels every pending callback and back-off wait, then waits for posts
   * already in flight (each bounded by its request time-out). Afterwards no
   * timer of the simulator is left and new triggers are answered 503.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.runs]);
  }

  private async trigger(req: OpalHttpRequest): Promise<OpalHttpResponse> {
    // A real transport rejects a cancelled request; so does this one.
    if (req.signal.aborted) throw req.signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
    if (this.stopping.signal.aborted) {
      return jsonResponse(503, { error: 'unavailable', message: 'the Opal simulator is stopped' }, { 'retry-after': '1' });
    }
    const check = checkTrigger(req, {
      authKeyDigest: this.authKeyDigest,
      allowScenarios: this.options.allowScenarios,
      callbackUrlOverride: this.options.callbackUrlOverride?.(),
    });
    if (check.kind === 'answer') {
      this.logger.info({ status: check.response.status }, 'opal simulator: trigger refused');
      return check.response;
    }
    if (check.scenarioIgnored) this.logger.warn({}, 'opal simulator: metadata.simulator_scenario ignored (scenarios are not allowed here)');

    // Drawn synchronously, in call order: the only thing the seed depends on.
    const random = createRandom(this.master.uint32());
    const suffix = () => (this.seeded ? random.hex(8) : randomBytes(8).toString('hex'));
    const workflowId = `sim-wf-${suffix()}`;
    const sessionId = `sim-sess-${suffix()}`;
    const plan = planRun({
      workflowId,
      sessionId,
      scenario: check.scenario,
      failureRate: this.options.failureRate,
      random,
      metadata: {
        ...(check.correlationId ? { correlation_id: check.correlationId } : {}),
        ...(check.syncId ? { sync_id: check.syncId } : {}),
      },
    });
    this.logger.info(
      {
        workflow_id: workflowId,
        session_id: sessionId,
        correlation_id: check.correlationId,
        callback_url: check.callbackUrl,
        scenario: check.scenario,
        failing_agents: plan.failedAgents,
        callbacks: plan.deliveryOrder.length,
      },
      'opal simulator: strategy_workflow started',
    );
    this.launch(plan, check.callbackUrl, check.trace);
    return jsonResponse(200, { workflow_id: workflowId, session_id: sessionId, status: 'started' }, check.correlationId ? { 'x-correlation-id': check.correlationId } : {});
  }

  /** Never awaited by the trigger; every failure ends as a log line. */
  private launch(plan: RunPlan, url: string, trace: TriggerTrace): void {
    const run: Promise<void> = this.deliver(plan, url, trace)
      .catch((err: unknown) => {
        this.logger.warn({ workflow_id: plan.workflowId, err: err instanceof Error ? err.message : String(err) }, 'opal simulator: run aborted by an unexpected error');
      })
      .finally(() => this.runs.delete(run));
    this.runs.add(run);
  }

  private async deliver(plan: RunPlan, url: string, trace: TriggerTrace): Promise<void> {
    // Like a traced Opal: each callback post is a span of the trigger's trace.
    const extraHeaders = trace
      ? () => ({
          traceparent: formatTraceparent({ ...trace.parent, parentId: newSpanId() }),
          ...(trace.state !== undefined ? { tracestate: trace.state } : {}),
        })
      : undefined;
    const { delayMs } = this.options;
    const signal = this.stopping.signal;
    const log = { workflow_id: plan.workflowId, callback_url: url };
    const stampedAt = new Map<number, number>();
    for (const [position, offset] of plan.deliveryOrder.entries()) {
      if (!(await sleep(delayMs, signal))) return;
      const event = plan.events[offset]!;
      // A held-back completion keeps the time it happened, not when it is delivered.
      const previous = stampedAt.get(offset - 1);
      const stamp = offset === plan.lateOffset && previous !== undefined ? previous + delayMs : Date.now();
      stampedAt.set(offset, stamp);
      const rawBody = JSON.stringify({ ...event, timestamp: new Date(stamp).toISOString() });
      for (let copy = 0; copy < (plan.duplicate ? 2 : 1); copy++) {
        const result = await postCallback({
          url,
          secret: this.options.secret,
          rawBody,
          fetchImpl: this.fetchImpl,
          signal,
          ...(this.deliveryPolicy ? { policy: this.deliveryPolicy } : {}),
          ...(extraHeaders ? { extraHeaders } : {}),
        });
        const where = { ...log, event_type: event.event_type, offset, attempts: result.attempts };
        switch (result.kind) {
          case 'delivered':
            break;
          case 'duplicate':
            // A first post answered 409 means the receiver knew this event before
            // this run: a fixed seed repeats workflow ids over a kept database.
            if (position === 0 && copy === 0 && result.attempts === 1) {
              this.logger.warn(where, 'opal simulator: the receiver already had this workflow id (same OPAL_SIMULATOR_SEED over a kept database?)');
            }
            break;
          case 'cancelled':
            return;
          case 'refused':
            this.logger.warn({ ...where, status: result.status, body: result.bodyText }, 'opal simulator: receiver refused a callback; no further callbacks for this workflow');
            return;
          case 'gave_up':
            // Like Opal: the event is lost, the run goes on; the receiver's fold tolerates gaps.
            this.logger.warn({ ...where, error: result.lastError }, 'opal simulator: callback not delivered after retries; skipping it');
            break;
        }
        if (result.kind === 'gave_up') break;
      }
    }
    this.logger.info(
      { ...log, callbacks: plan.deliveryOrder.length, stopped_early: plan.deliveryOrder.length < plan.events.length },
      'opal simulator: run finished',
    );
  }
}
