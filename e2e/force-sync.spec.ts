import { expect, test } from '@playwright/test';
import { saveScreen } from './support/screens';

test('an operator starts a force sync from Settings and watches the workflow complete, 9 of 9 agents', async ({ page }, testInfo) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Force sync' }).click();
  await expect(page).toHaveURL(/\/settings\/force-sync$/);

  await page.getByLabel('Scope').selectOption('all_platforms');
  await page.getByLabel('Client name').fill('E2E Force Sync Client');
  await page.getByLabel('Industry').fill('Technology');
  await page.getByLabel('Recipients').fill('not-an-address');
  await page.getByRole('button', { name: 'Start force sync' }).click();
  // The contract is checked in the browser first: the bad recipient is named, nothing is sent.
  await expect(page.getByText('not-an-address: must be an e-mail address')).toBeVisible();

  await page.getByLabel('Recipients').fill('ops@e2e.test, lead@e2e.test');
  await page.getByRole('button', { name: 'Start force sync' }).click();
  await expect(page).toHaveURL(/[?&]sync=[0-9a-f-]{36}/);

  const progress = page.getByRole('region', { name: 'Force sync progress' });
  await expect(progress.getByRole('progressbar', { name: 'Agents completed' })).toHaveAttribute('aria-valuetext', '9 of 9 agents', { timeout: 20_000 });
  await expect(progress.getByText('9 of 9 agents')).toBeVisible();
  await expect(progress.getByText('Completed', { exact: true }).first()).toBeVisible();
  await expect(progress.getByRole('list', { name: 'Agents' }).getByRole('listitem')).toHaveCount(9);
  await saveScreen(page, testInfo, 'settings-force-sync');

  // The followed sync is in the URL: a reload keeps showing it.
  await page.reload();
  await expect(page.getByRole('region', { name: 'Force sync progress' }).getByText('9 of 9 agents')).toBeVisible();

  // On to the workflow it started.
  await progress.getByRole('link', { name: /^sim-wf-/ }).click();
  await expect(page).toHaveURL(/\/workflows\/.+/);
  await expect(page.getByRole('table', { name: 'Agent timeline' })).toBeVisible();
});
