import { defineConfig } from '@playwright/test';
import { ADMIN_STATE } from './e2e/support/accounts';
import { findChromium } from './e2e/support/find-chromium';
import { E2E_WEBHOOK_SECRET } from './e2e/support/webhooks';

/**
 * End-to-end journeys against the real server (built, started by
 * e2e/global-setup.ts on a free port with a fresh database). Browsers are
 * not downloaded: e2e/support/find-chromium.ts says which Chromium drives them.
 */
// The server the global setup starts inherits this environment: journeys sign webhooks with this secret.
process.env.OSA_WEBHOOK_SHARED_SECRET = E2E_WEBHOOK_SECRET;
// Bulk replay jobs wait this long between batches, so that a journey's Cancel lands between two (one-workflow jobs never wait).
process.env.REPLAY_BATCH_PAUSE_MS = '2500';
// CHROMIUM_PATH, else the npm package's Chromium (unpacked by the global setup), else a system one.
const chromium = findChromium();
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
      executablePath: chromium.path,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    { name: 'console', testMatch: /\.spec\.ts/, dependencies: ['setup'], use: { storageState: ADMIN_STATE } },
  ],
});
