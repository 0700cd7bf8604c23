import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config, ConfigCheck } from './config/config';
import type { Database } from './db/database';
import { type DatabaseTarget, openDatabase } from './db/open-database';
import { createApiKeyAuthenticator } from './domain/auth/api-key-authenticator';
import { AuditRecorder } from './domain/auth/audit-recorder';
import type { Ctx } from './domain/context';
import { resolveAlertRules } from './domain/alerts/alert-rules';
import { DatabaseHealth } from './domain/alerts/database-health';
import { Lifecycle } from './domain/health/lifecycle';
import { ChangeNotifier } from './domain/live/change-notifier';
import { deleteExpiredSessions, ensureFirstAdmin } from './domain/auth/sessions';
import { registerAlertJobs } from './domain/alerts/register-alert-jobs';
import { ClusterScheduler } from './domain/jobs/cluster-scheduler';
import { registerMetricsJobs } from './domain/metrics/register-metrics-jobs';
import { Telemetry } from './domain/metrics/telemetry';
import { registerRetentionJob } from './domain/retention/register-retention-job';
import { registerRateLimitCleanup } from './domain/rate-limits/register-rate-limit-cleanup';
import { createOpalGateway } from './domain/opal/create-opal-gateway';
import { EventAppender } from './domain/webhooks/event-appender';
import { RejectionRecorder } from './domain/webhooks/rejection-recorder';
import { createSignatureVerifier } from './domain/webhooks/signature/verify-signature';
import { BulkReplayWorker } from './domain/replay/bulk-replay-worker';
import { ProjectionWorker } from './domain/workflows/projection-worker';
import { createApp } from './http/create-app';
import { projectRoot } from './paths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningServer {
  url: string;
  port: number;
  ctx: Ctx;
  server: Server;
  /**
   * Readiness turns 503 at once; everything is still served for
   * `SHUTDOWN_DRAIN_MS`; then it stops accepting, finishes in-flight work and
   * closes the database. Called again, the same promise.
   */
  close(): Promise<void>;
  /** Ends the drain now (a second signal); the rest of close() goes on. */
  skipDrain(): void;
}

const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

export function databaseTargetOf(config: Config): DatabaseTarget {
  return config.databaseUrl
    ? { driver: 'postgres', url: config.databaseUrl, prepare: config.databasePrepare }
    : { driver: 'pglite', dataDir: config.dataDir };
}

export async function startServer(opts: {
  config: Config;
  logger: Logger;
  /** An already open database (tests); else one is opened from the config. */
  database?: Database;
  /** The checks loadConfig made (GET /api/opal/sync shows them). */
  configChecks?: ConfigCheck[];
  now?: () => number;
  /** false: background jobs are not started on a timer (tests drive them). */
  background?: boolean;
}): Promise<RunningServer> {
  const { config, logger } = opts;
  const database = opts.database ?? (await openDatabase(databaseTargetOf(config)));
  const now = opts.now ?? Date.now;
  const telemetry = new Telemetry({ db: database.db, logger, now });
  const alertRules = resolveAlertRules();
  const changes = new ChangeNotifier({ database, logger });
  const projections = new ProjectionWorker({
    db: database.db,
    logger,
    now,
    timeoutMin: config.opal.workflowTimeoutMin,
    // PGlite's queries run on the main thread: let bursts gather into fewer, larger projection batches.
    debounceMs: database.driver === 'pglite' ? 100 : 20,
    onProcessed: (status, ms) => telemetry.observeEventProcessed(status, ms),
    onTimedOut: (count) => {
      telemetry.observeTimedOut(count);
      if (count > 0) changes.changed('workflows');
    },
    onWorkflowsChanged: (workflowIds) => changes.changed('workflows', { ids: workflowIds }),
  });
  // Known once the server listens: where the simulator posts its callbacks.
  const self: { url?: string } = {};
  const lifecycle = new Lifecycle();
  const ctx: Ctx = {
    config,
    configChecks: opts.configChecks ?? [],
    db: database.db,
    database,
    logger,
    now,
    startedAt: now(),
    version,
    verifier: createSignatureVerifier(config.webhook.secrets),
    appender: new EventAppender(database, {
      onStored: (count) => {
        projections.notify();
        changes.changed('events', { count });
      },
    }),
    rejections: new RejectionRecorder(database.db, logger, now),
    projections,
    replayJobs: new BulkReplayWorker(() => ctx, { pauseMs: config.replayBatchPauseMs }),
    apiKeys: createApiKeyAuthenticator(config.apiKeys),
    audit: new AuditRecorder(database.db, logger, now, { onRecord: (e) => telemetry.observeAuditEntry(e) }),
    opal: createOpalGateway({ config, logger, selfUrl: () => self.url }),
    scheduler: new ClusterScheduler({ db: database.db, logger, now }),
    telemetry,
    dbHealth: new DatabaseHealth({
      db: database.db,
      ping: () => database.ping(),
      logger,
      now,
      config,
      rule: alertRules.database_connection,
    }),
    lifecycle,
    changes,
  };
  await ensureFirstAdmin(ctx);
  ctx.scheduler.register({ name: 'expired-sessions', everyMs: 3600_000, leaseMs: 60_000, run: () => deleteExpiredSessions(ctx) });
  registerAlertJobs(ctx, { rules: alertRules });
  registerRetentionJob(ctx);
  registerRateLimitCleanup(ctx);
  registerMetricsJobs(ctx);
  projections.start();
  await changes.start();
  // This process's own timer, not a cluster job: `background` (the scheduler's timer) does not govern it.
  ctx.dbHealth.start();
  if (opts.background !== false) {
    ctx.scheduler.start();
    ctx.replayJobs.start();
  }

  const server = createServer(createApp(ctx));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${port}`;
  self.url = url;
  logger.info({ port, driver: database.driver }, 'OPAL Force Sync listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    ctx,
    server,
    skipDrain: () => lifecycle.skipDrain(),
    close: () =>
      (closing ??= (async () => {
        // Kept-alive connections outlive the load balancer's change of mind (it routes new
        // connections, not requests): from now on every answer tells its sender to reconnect.
        server.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
        if (config.shutdownDrainMs > 0) logger.info({ drain_ms: config.shutdownDrainMs }, 'draining: readiness answers 503, still serving');
        await lifecycle.drain(config.shutdownDrainMs);
        // Open streams would hold server.close() until the forced close: they end now, and the consoles reconnect elsewhere.
        await ctx.changes.stop();
        // The simulator posts to this server: stop it before the server stops listening.
        await ctx.opal.stop();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        logger.info('stopped accepting connections');
        // Node keeps serving new requests on open keep-alive connections after close(), answering
        // "keep-alive" (hence Connection: close above), until the forced close below cuts one
        // mid-request: close each connection as soon as it falls idle.
        server.closeIdleConnections();
        const idle = setInterval(() => server.closeIdleConnections(), 100).unref();
        // In-flight requests get a bounded time to finish; keep-alive sockets are then closed.
        const force = setTimeout(() => server.closeAllConnections(), 10_000).unref();
        await stopped;
        clearTimeout(force);
        clearInterval(idle);
        await ctx.appender.drain();
        await ctx.projections.stop();
        await ctx.replayJobs.stop();
        await ctx.scheduler.stop();
        await ctx.dbHealth.stop();
        await Promise.all([ctx.rejections.flush(), ctx.audit.flush(), ctx.telemetry.flush()]);
        if (!opts.database) await database.close();
      })()),
  };
}
