import { Writable } from 'node:stream';
import type { Config } from '../config/config';
import { makeTestConfig } from './make-test-config';
import type { DriverName } from '../db/database';
import { createLogger } from '../logger';
import { type RunningServer, startServer } from '../server';
import { openTestDatabase } from './test-database';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface TestServer extends RunningServer {
  config: Config;
  /** Every log line the server wrote, as text. */
  logs: string[];
  /** Waits until every stored event has been applied to the projections. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** A real server on an ephemeral loopback port, on a database of its own. */
export async function startTestServer(
  driver: DriverName,
  overrides: DeepPartial<Config> = {},
  opts: { now?: () => number; background?: boolean } = {},
): Promise<TestServer> {
  const config = makeTestConfig({ port: 0, host: '127.0.0.1', ...overrides } as Parameters<typeof makeTestConfig>[0]);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ debug: false, level: 'info', destination });
  const db = await openTestDatabase(driver);
  const running = await startServer({
    config,
    logger,
    database: db.database,
    background: opts.background ?? false,
    ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    ...running,
    config,
    logs,
    settle: async () => {
      await running.ctx.appender.drain();
      await running.ctx.projections.runUntilIdle();
    },
    stop: async () => {
      await running.close();
      await db.dispose();
    },
  };
}
