import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_OPAL_AUTH_KEY, TEST_WEBHOOK_SECRET } from '../../server/test-support/make-test-config';
import { projectRoot } from '../../server/paths';
import { NO_ENV_FILE } from '../../server/test-support/test-envs';

export const SECRET = TEST_WEBHOOK_SECRET;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  name: string;
  url: string;
  port: number;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited and been reaped (its pid lock is then stale). */
  exited: Promise<Exit>;
  alive(): boolean;
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<Exit>;
  log(): string;
}

// Every child still running, so that afterAll can leave no orphan whatever failed.
const started = new Set<ServerProcess>();
// And if the test worker itself goes away first (a timeout, a crash).
process.once('exit', () => {
  for (const p of started) p.signal('SIGKILL');
});

/** A fresh directory under the OS tmp dir for one test's data and logs. */
export const freshDir = (label: string) => mkdtempSync(join(tmpdir(), `ofs-reliability-${label}-`));

/**
 * The environment of a child server: fixed test secrets, the simulator
 * slowed out of the way, rate limits off the path, no shutdown drain. Only what is listed here
 * reaches the child, so a DATABASE_URL of the test runner cannot leak in.
 */
export function serverEnv(db: { dataDir: string; databaseUrl?: string | undefined }): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DATA_DIR: db.dataDir,
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    OSA_WEBHOOK_SHARED_SECRET: SECRET,
    OPAL_STRATEGY_WORKFLOW_AUTH_KEY: TEST_OPAL_AUTH_KEY,
    WEBHOOK_RATE_LIMIT_PER_MIN: '100000000',
    OPAL_SIMULATOR_DELAY_MS: '600000',
    // These tests are about what follows the drain (sigterm-drain.test.ts is about the drain itself).
    SHUTDOWN_DRAIN_MS: '0',
  };
}

/**
 * Starts `node --import tsx server/main.ts` on an ephemeral port (PORT=0; the
 * port is read from the "listening" log line) and waits until it answers.
 */
export async function startServerProcess(opts: {
  name: string;
  env: Record<string, string>;
  logDir: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      TMPDIR: tmpdir(),
      ...NO_ENV_FILE,
      ...opts.env,
      PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit: Exit | undefined;
  void exited.then((e) => (exit = e));

  let port = 0;
  let onPort: (p: number) => void = () => {};
  const portSeen = new Promise<number>((resolve) => (onPort = resolve));
  let pending = '';
  // Drained for the whole life of the child: a full pipe would block its logger.
  child.stdout!.on('data', (chunk: Buffer) => {
    logStream.write(chunk);
    if (port) return;
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const m = /"port":(\d+),.*"msg":"OPAL Force Sync listening"/.exec(line);
      if (m) {
        port = Number(m[1]);
        onPort(port);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => logStream.write(chunk));

  const proc: ServerProcess = {
    name: opts.name,
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    pid: child.pid!,
    logFile,
    exited,
    alive: () => exit === undefined,
    signal: (sig) => {
      if (exit === undefined) child.kill(sig);
    },
    stop: async (graceMs = 30_000) => {
      if (exit) return exit;
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      const e = await exited;
      clearTimeout(kill);
      return e;
    },
    log: () => readFileSync(logFile, 'utf8'),
  };
  started.add(proc);
  void exited.then(() => {
    started.delete(proc);
    logStream.end();
  });

  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const failed = (why: string) => {
    child.kill('SIGKILL');
    return new Error(`${opts.name}: ${why}; see ${logFile}`);
  };
  const outcome = await Promise.race([
    portSeen.then(() => 'listening' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref()),
  ]);
  if (outcome === 'exited') throw failed(`exited before listening (${JSON.stringify(exit)})`);
  if (outcome === 'timeout') throw failed(`did not listen within ${timeoutMs} ms`);
  for (;;) {
    try {
      const r = await fetch(`${proc.url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      await r.arrayBuffer();
      if (r.status === 200) return proc;
    } catch {
      // not answering yet
    }
    if (!proc.alive()) throw failed('exited before it was healthy');
    if (Date.now() > deadline) throw failed(`not healthy within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** SIGKILLs every child still running and waits for each exit. For afterAll. */
export async function killAllServerProcesses(): Promise<void> {
  const all = [...started];
  for (const p of all) p.signal('SIGKILL');
  await Promise.all(all.map((p) => p.exited));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(everyMs);
  }
}
