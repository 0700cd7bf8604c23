import { createLogger } from '../logger';
import { type RunningServer, startServer } from '../server';
import { makeTestConfig } from './make-test-config';
import { openPostgresBehindProxy } from './postgres-behind-proxy';
import type { TcpProxy } from './tcp-proxy';

/**
 * A real server (silent, background jobs off) on a PostgreSQL database of its
 * own reached through a TCP proxy the test cuts. `stop` closes the server,
 * then the database, the proxy and the database itself.
 */
export async function startServerBehindProxy(): Promise<{ server: RunningServer; proxy: TcpProxy; stop(): Promise<void> }> {
  const { database, proxy, dispose } = await openPostgresBehindProxy();
  const server = await startServer({ config: makeTestConfig({ port: 0, host: '127.0.0.1' }), logger: createLogger({ debug: false, level: 'silent' }), database, background: false });
  return {
    server,
    proxy,
    stop: async () => {
      await server.close();
      await dispose();
    },
  };
}
