import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../server/test-support/free-port';
import { NO_ENV_FILE } from '../../server/test-support/test-envs';
import { ADMIN } from './accounts';

export interface RunningServer {
  baseURL: string;
  stop: () => Promise<void>;
}

/**
 * The built server (`node dist/server/main.js`) on a free port with a fresh
 * PGlite data directory, a real admin login and a fast, failure-free
 * simulator. The global setup starts one for every journey; the
 * accessibility scan starts a second one to see each screen empty.
 */
export async function startServer(): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'opal-e2e-'));
  const baseURL = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...NO_ENV_FILE,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    OPAL_SIMULATOR_DELAY_MS: '50',
    OPAL_SIMULATOR_FAILURE_RATE: '0',
    // Stopped at the end of the run: no load balancer to drain for.
    SHUTDOWN_DRAIN_MS: '0',
  };
  // Whatever the shell has set, the journeys run on PGlite, the simulator and sign-in by password.
  for (const k of ['DATABASE_URL', 'OPAL_WEBHOOK_URL', 'API_KEYS', 'BASE_URL', 'OPAL_SIMULATOR_SEED']) delete env[k];
  const server = spawn(process.execPath, ['dist/server/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  server.stdout?.on('data', keep);
  server.stderr?.on('data', keep);

  try {
    await waitForHealth(baseURL, server);
  } catch (e) {
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n--- server output ---\n${log.join('')}`);
  }
  return {
    baseURL,
    stop: async () => {
      await stop(server);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForHealth(baseURL: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server exited with code ${server.exitCode} before answering.`);
    try {
      const res = await fetch(`${baseURL}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The server did not answer ${baseURL}/api/health within 60 s.`);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
