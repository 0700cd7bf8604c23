import type { Database } from '../db/database';
import { openDatabase } from '../db/open-database';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { createPostgresDatabase } from './test-database';

/**
 * A database of the test's own, opened through a TCP proxy the test can cut:
 * a real outage needs a real network hop. `url` reaches it through the
 * proxy (a second process's connection). `dispose` closes the database and
 * the proxy and drops the database.
 */
export async function openPostgresBehindProxy(): Promise<{ database: Database; proxy: TcpProxy; url: string; dispose(): Promise<void> }> {
  const pg = await createPostgresDatabase();
  const target = new URL(pg.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(pg.url);
  viaProxy.port = String(proxy.port);
  const database = await openDatabase({ driver: 'postgres', url: viaProxy.toString(), prepare: true });
  return {
    database,
    proxy,
    url: viaProxy.toString(),
    dispose: async () => {
      proxy.restore();
      await database.close();
      await proxy.close();
      await pg.drop();
    },
  };
}
