/**
 * `npm run test:config` (the runbook's "Configuration Validation"): the
 * same checks the server runs at start-up, as a table. Exit 1 when the
 * server would refuse to start: in production any failed check, elsewhere
 * only malformed values. Loads exactly as the server does, so in
 * development it creates (or reuses) the generated secrets in DATA_DIR,
 * and it reads the same `.env` (load-env-file.ts).
 */
import { ConfigError, loadConfig } from './config';
import { formatCheckTable } from './format-check-table';
import { loadEnvFile } from './load-env-file';

function main(): number {
  try {
    const envFile = loadEnvFile(process.env, process.cwd());
    const { config, checks } = loadConfig(process.env, { cwd: process.cwd() });
    const failed = checks.filter((c) => !c.ok).length;
    console.log(`Configuration checks (NODE_ENV=${config.nodeEnv})${envFile.file ? `, with ${envFile.file}` : ''}\n`);
    console.log(formatCheckTable(checks));
    // loadConfig has already refused anything fatal; this is a second guard.
    const fatal = config.isProduction && failed > 0;
    const verdict = fatal
      ? 'production refuses to start'
      : failed > 0
        ? 'failures are warnings outside production'
        : 'all good';
    console.log(`\n${checks.length} checks: ${checks.length - failed} OK, ${failed} FAIL: ${verdict}`);
    return fatal ? 1 : 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.log('Configuration refused: the server would not start\n');
    console.log(formatCheckTable(error.failures));
    console.log(`\n${error.failures.length} failing check(s): fix the variables above`);
    return 1;
  }
}

process.exitCode = main();
