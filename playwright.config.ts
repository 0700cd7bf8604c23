import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { ADMIN_STATE } from './e2e/support/accounts';

/**
 * End-to-end journeys against the real server (built, started by
 * e2e/global-setup.ts on a free port with a fresh database). Browsers are
 * not downloaded: a system Chromium drives them.
 */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => Boolean(p));
const chromium = CANDIDATES.find((p) => existsSync(p));
if (!chromium) {
  console.error(
    `No Chromium found (looked at ${CANDIDATES.join(', ')}): run \`apt-get install -y chromium\`, or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
  );
  process.exit(1);
}

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    // Set by the global setup, which picks a free port; the fixtures read it too.
    baseURL: process.env.E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1440, height: 900 },
    colorScheme: 'dark',
    timezoneId: 'Europe/Paris',
    launchOptions: {
      executablePath: chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    { name: 'console', testMatch: /\.spec\.ts/, dependencies: ['setup'], use: { storageState: ADMIN_STATE } },
  ],
});
