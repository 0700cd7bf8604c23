import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../server/test-support/free-port';
import { NO_ENV_FILE } from '../../server/test-support/test-envs';

export interface ChildServer {
  url: string;
  pid: number;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<number | null>;
}

/** Starts a server script as its own process (logs to a file) and waits until it answers. */
export async function startChildServer(opts: {
  script: string;
  args?: string[];
  env: Record<string, string>;
  logFile: string;
  readyPath: string;
  timeoutMs?: number;
}): Promise<ChildServer> {
  const port = await freePort();
  const log = openSync(opts.logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [...(opts.args ?? []), opts.script], {
    env: { PATH: process.env.PATH ?? '', ...NO_ENV_FILE, ...opts.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}; see ${opts.logFile}`);
    try {
      const r = await fetch(`${url}${opts.readyPath}`, { method: opts.readyPath.startsWith('/api/webhooks') ? 'POST' : 'GET' });
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within ${opts.timeoutMs ?? 60_000} ms; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    peakRssMb: () => {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(join('/proc', String(child.pid), 'status'), 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        child.kill('SIGTERM');
      }),
  };
}
