import { execSync } from 'node:child_process';
import { ensureChromium, findChromium } from './support/find-chromium';
import { startServer } from './support/start-server';

/**
 * Builds the console and the server, then starts the real server
 * (`node dist/server/main.js`) on a free port with a fresh data directory,
 * a real admin login and a fast, failure-free simulator
 * (e2e/support/start-server.ts). The returned function stops it (SIGTERM)
 * and removes the data directory.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const chromium = findChromium();
  console.log(`Chromium: ${await ensureChromium(chromium)} (${chromium.source})`);
  // The opt-in Overview measurement (e2e/overview-load.spec.ts) runs against a server of its own: nothing to build or start.
  if (process.env.OVERVIEW_LOAD_URL) return async () => undefined;
  if (!process.env.E2E_SKIP_BUILD) execSync('npm run build', { stdio: 'inherit' });

  const server = await startServer();
  process.env.E2E_BASE_URL = server.baseURL;
  return server.stop;
}
