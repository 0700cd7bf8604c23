import { ConfigError, loadConfig } from './config/config';
import { loadEnvFile } from './config/load-env-file';
import { createLogger } from './logger';
import { startServer } from './server';

/**
 * The process entry point: configuration is parsed once here and passed in.
 * Production refuses to start on an invalid configuration and names the
 * variables; SIGTERM/SIGINT drain in-flight work before exiting.
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
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000).unref();
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
