import { expect, test } from '@playwright/test';
import { saveScreen } from './support/screens';

test('the shell says when the server stops answering, and recovers by itself', async ({ page }, testInfo) => {
  await page.goto('/');
  const recent = page.getByRole('table', { name: 'Recent workflows' }).or(page.getByText('No workflows yet'));
  await expect(recent).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection: Live' })).toBeVisible();

  // The network to the API goes away (the page itself stays loaded).
  await page.route('**/trpc/**', (route) => route.abort('connectionrefused'));
  await expect(page.getByRole('status', { name: 'Connection: Server unreachable' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Server unreachable' })).toContainText('Retrying by itself');
  // What was on screen stays, so the operator still sees the last known state.
  await expect(recent).toBeVisible();
  await saveScreen(page, testInfo, 'overview-unreachable');

  await page.unroute('**/trpc/**');
  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect(page.getByRole('status', { name: 'Connection: Live' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Server unreachable' })).toHaveCount(0);
});
