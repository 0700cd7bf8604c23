import { expect, test } from '@playwright/test';
import { collectConsoleErrors } from './support/console-errors';
import { saveScreen } from './support/screens';

test('Settings: test configuration shows each check and the database round trip; an admin cleans up old events after a confirmation', async ({ page }, testInfo) => {
  const errors = collectConsoleErrors(page);
  await page.goto('/settings');
  // Test configuration (operator): every check and the database round trip.
  const testCard = page.getByRole('region', { name: 'Test configuration' });
  await testCard.getByRole('button', { name: 'Run the test' }).click();
  const report = testCard.getByRole('region', { name: 'Test result' });
  const dbCheck = report.getByRole('table', { name: 'Test checks' }).getByRole('row').filter({ hasText: /pglite answered in [\d.]+ ms/ });
  await expect(dbCheck).toContainText('database');
  await expect(dbCheck).toContainText('OK');
  await expect(report).toContainText('Database round trip');
  await saveScreen(page, testInfo, 'settings-test-configuration');

  // Cleanup (admin): retention days, a confirmation, the result. Ten years keeps everything this run made.
  const cleanup = page.getByRole('region', { name: 'Cleanup old events' });
  await cleanup.getByLabel('Retention days').fill('3650');
  await cleanup.getByRole('button', { name: 'Clean up…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete old events?' });
  await expect(confirm).toContainText('finished older than 3,650 days');
  await expect(confirm.getByRole('button', { name: 'Delete old events' })).toBeDisabled();
  await confirm.getByRole('textbox', { name: 'Reason (required)' }).fill('E2E: weekly retention');
  await confirm.getByRole('button', { name: 'Delete old events' }).click();
  await expect(cleanup.getByRole('status').filter({ hasText: 'Cleanup finished' })).toContainText('Events deleted0');
  await expect(cleanup.getByRole('status')).toContainText('3,650 days');
  await saveScreen(page, testInfo, 'settings-cleanup');

  expect(errors).toEqual([]);
});
