import type { Logger } from 'pino';
import type { Config } from '../../config/config';
import { outboundTraceHeaders } from '../../tracing/log-context';
import { createOpalClient } from './client/opal-client';
import { fetchTransport } from './client/opal-transport';
import type { OpalGateway } from './opal-gateway';
import { OpalSimulator } from './simulator/opal-simulator';

// The simulator is reached in-process; this URL only names it in requests and logs.
const SIMULATOR_URL = 'http://opal-simulator.internal/webhooks/strategy_workflow';

/**
 * Real Opal when `OPAL_WEBHOOK_URL` is set, else the built-in simulator,
 * which posts its callbacks to `selfUrl()` (this server's own address once
 * it listens).
 */
export function createOpalGateway(o: { config: Config; logger: Logger; selfUrl: () => string | undefined }): OpalGateway {
  const { config, logger } = o;
  const simulator = config.opal.webhookUrl
    ? undefined
    : new OpalSimulator({
        secret: config.webhook.secrets[0]!,
        authKey: config.opal.authKey,
        delayMs: config.opal.simulator.delayMs,
        failureRate: config.opal.simulator.failureRate,
        ...(config.opal.simulator.seed !== undefined ? { seed: config.opal.simulator.seed } : {}),
        callbackUrlOverride: () => {
          const self = o.selfUrl();
          return self ? `${self}/api/webhooks/opal-workflow` : undefined;
        },
        allowScenarios: !config.isProduction,
        logger,
      });
  const client = createOpalClient({
    url: config.opal.webhookUrl ?? SIMULATOR_URL,
    authKey: config.opal.authKey,
    timeoutMs: config.opal.timeoutMs,
    circuit: { resetTimeoutMs: config.opal.circuitResetMs },
    transport: simulator ? simulator.transport : fetchTransport(),
    logger,
    traceHeaders: outboundTraceHeaders,
  });
  return {
    mode: simulator ? 'simulator' : 'live',
    client,
    stop: async () => {
      client.shutdown();
      await simulator?.stop();
    },
  };
}
