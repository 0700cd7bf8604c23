import { expect, test as setup } from '@playwright/test';
import { ADMIN, ADMIN_STATE } from './support/accounts';

// One admin sign-in for every journey that does not test signing in itself (the server allows 10 attempts a minute).
setup('sign in as the first admin', async ({ page }) => {
  const res = await page.request.post('/api/auth/login', { data: ADMIN });
  expect(res.status()).toBe(200);
  await page.context().storageState({ path: ADMIN_STATE });
});
