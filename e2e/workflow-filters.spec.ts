import { expect, test } from '@playwright/test';
import { completedForceSync } from './support/api';
import { saveScreen } from './support/screens';

test('a filtered workflow list lives in the URL: it survives a reload and can be shared', async ({ page, browser }, testInfo) => {
  const { workflowId } = await completedForceSync(page.request, 'E2E Filter Client');
  const fragment = workflowId.slice(-6);

  await page.goto('/workflows');
  const status = page.getByRole('group', { name: 'Status' });
  await status.getByRole('button', { name: 'Completed' }).click();
  await page.getByRole('searchbox', { name: 'Search workflow id' }).fill(fragment);
  await expect(page).toHaveURL(new RegExp(`[?&]status=completed&search=${fragment}`));
  const table = page.getByRole('table', { name: 'Workflows' });
  await expect(table.getByRole('row')).toHaveCount(2); // header + the one match
  await expect(table.getByRole('link', { name: workflowId })).toBeVisible();
  await saveScreen(page, testInfo, 'workflows-filtered');

  await page.reload();
  await expect(status.getByRole('button', { name: 'Completed' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('searchbox', { name: 'Search workflow id' })).toHaveValue(fragment);
  await expect(table.getByRole('link', { name: workflowId })).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(2);

  // The same link in another browser (signed in as the same user) shows the same view.
  const shared = await browser.newPage({ storageState: await page.context().storageState() });
  await shared.goto(page.url());
  await expect(shared.getByRole('table', { name: 'Workflows' }).getByRole('link', { name: workflowId })).toBeVisible();
  await shared.close();

  // A filter with no match says so, and offers the way out.
  await status.getByRole('button', { name: 'Failed' }).click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(page.getByText('No workflows match these filters')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(status.getByRole('button', { name: 'All' })).toHaveAttribute('aria-pressed', 'true');
  await expect(table.getByRole('link', { name: workflowId })).toBeVisible();
  await saveScreen(page, testInfo, 'workflows');
});
