import { expect, test } from '@playwright/test';
import { ADMIN } from './support/accounts';
import { saveScreen } from './support/screens';

test.use({ storageState: { cookies: [], origins: [] } });

test('signing in: a wrong password is refused with a message, the right one opens the console, sign-out ends it', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await saveScreen(page, testInfo, 'login');

  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not-the-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong e-mail or password.');

  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Signed in user' })).toContainText(ADMIN.email);
  await expect(page.getByRole('group', { name: 'Signed in user' })).toContainText('admin');
  // ADMIN_PASSWORD is set: no "console open" banner.
  await expect(page.getByRole('note', { name: 'Console open' })).toHaveCount(0);

  // The cookie is httpOnly: scripts in the page cannot read it.
  expect(await page.evaluate(() => document.cookie)).not.toContain('ofs_session');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});
