import { expect, test } from '@playwright/test';
import { completedForceSync } from './support/api';
import { saveScreen } from './support/screens';

/** Every screen renders with data, without errors in the browser console, and is kept as a screenshot. */
test('every screen renders with live data and no console errors', async ({ page }, testInfo) => {
  await completedForceSync(page.request, 'E2E Tour Client');
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));

  const screens: { path: string; name: string; heading: string; ready: (p: typeof page) => Promise<void> }[] = [
    { path: '/', name: 'overview', heading: 'Overview', ready: async (p) => void (await expect(p.getByRole('table', { name: 'Recent workflows' })).toBeVisible()) },
    { path: '/workflows', name: 'workflows-all', heading: 'Workflows', ready: async (p) => void (await expect(p.getByRole('table', { name: 'Workflows' })).toBeVisible()) },
    { path: '/events', name: 'events', heading: 'Events', ready: async (p) => void (await expect(p.getByRole('table', { name: 'Webhook events' })).toBeVisible()) },
    { path: '/alerts', name: 'alerts', heading: 'Alerts', ready: async (p) => void (await expect(p.getByRole('table', { name: 'Alerts' }).or(p.getByText('No alerts yet'))).toBeVisible()) },
    { path: '/settings', name: 'settings-configuration', heading: 'Settings', ready: async (p) => void (await expect(p.getByRole('table', { name: 'Configuration checks' })).toBeVisible()) },
    { path: '/settings/audit', name: 'settings-audit', heading: 'Settings', ready: async (p) => void (await expect(p.getByRole('table', { name: 'Audit log' })).toBeVisible()) },
  ];
  for (const s of screens) {
    await page.goto(s.path);
    await expect(page.getByRole('heading', { name: s.heading, level: 1 })).toBeVisible();
    await s.ready(page);
    await expect(page.getByRole('status', { name: /^Connection: Live/ })).toBeVisible();
    await saveScreen(page, testInfo, s.name);
  }

  // Configuration shows the simulator and a closed circuit.
  await page.goto('/settings');
  await expect(page.getByRole('region', { name: 'Opal' })).toContainText('simulator');
  await expect(page.getByRole('region', { name: 'Circuit breaker' })).toContainText('Closed');

  // The audit log records the admin's sign-in.
  await page.goto('/settings/audit?action=login');
  await expect(page.getByRole('table', { name: 'Audit log' })).toContainText('login');
  await page.reload();
  await expect(page.getByLabel('Filter by action')).toHaveValue('login');

  // Overview counts what the receiver took in.
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Webhook receiver · last 24 h' })).not.toContainText('Events received0');

  expect(errors).toEqual([]);
});
