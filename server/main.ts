import { ConfigError, loadConfig } from './config/config';
import { loadEnvFile } from './config/load-env-file';
import { createLogger } from './logger';
import { startServer } from './server';

/**
 * The process entry point: configuration is parsed once here and passed in.
 * Production refuses to start on an invalid configuration and names the
 * variables. SIGTERM/SIGINT: readiness turns 503 and everything is still
 * served for SHUTDOWN_DRAIN_MS (a second signal skips the rest of it), then
 * in-flight work is finished before exiting.
 */
async function main(): Promise<void> {
  let loaded;
  let envFile;
  try {
    envFile = loadEnvFile(process.env, process.cwd());
    loaded = loadConfig(process.env, { cwd: process.cwd() });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`OPAL Force Sync refused to start: ${e.message}`);
      process.exit(78);
    }
    throw e;
  }
  const { config, checks } = loaded;
  const logger = createLogger({ debug: config.debug });
  if (envFile.file) logger.info({ file: envFile.file, variables: envFile.variables }, 'configuration: read the env file');
  for (const c of checks.filter((x) => !x.ok)) logger.warn({ variable: c.variable }, `configuration: ${c.message}`);

  const running = await startServer({ config, logger, configChecks: checks });
  logger.info(`OPAL Force Sync is running at ${config.baseUrl} (${running.ctx.database.driver})`);

  let stopping = false;
  let force: NodeJS.Timeout | undefined;
  // What close() may take once the drain is over (its forced connection close comes at 10 s).
  const closeBoundMs = 20_000;
  const exitAfter = (ms: number) => {
    clearTimeout(force);
    force = setTimeout(() => {
      logger.error(`shutdown took longer than ${ms / 1000} s; exiting`);
      process.exit(1);
    }, ms).unref();
  };
  const stop = (signal: string) => {
    if (stopping) {
      // A second signal (an impatient Ctrl-C, an orchestrator in a hurry): no more draining.
      if (running.ctx.lifecycle.state === 'draining') {
        logger.info({ signal }, 'second signal: the rest of the drain is skipped');
        running.skipDrain();
        exitAfter(closeBoundMs);
      }
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    exitAfter(config.shutdownDrainMs + closeBoundMs);
    running.close().then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  console.error('OPAL Force Sync failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
