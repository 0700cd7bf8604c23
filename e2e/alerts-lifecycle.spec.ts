import { expect, type Page, request as playwrightRequest, test } from '@playwright/test';
import { ADMIN, ADMIN_STATE } from './support/accounts';
import { collectConsoleErrors } from './support/console-errors';

/*
 * A real alert, fired by the server's own evaluation: six failed sign-ins
 * leave six `auth.failed` audit rows, and the authentication-failures
 * rule (more than 5 in 10 minutes) fires at the next evaluation (the job runs
 * once a minute). The journeys then acknowledge it, silence its rule and
 * lift the silence through the Alerts screen, against the real server.
 */
test.describe.configure({ mode: 'serial' });

const RULE_LABEL = 'Auth failures';
const row = (page: Page) => page.getByRole('table', { name: 'Alerts' }).getByRole('row').filter({ hasText: 'auth_failures' }).filter({ hasText: /Firing|Acknowledged|Silenced/ });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const anonymous = await playwrightRequest.newContext({ baseURL: process.env.E2E_BASE_URL });
  const failSignIn = async () =>
    expect((await anonymous.post('/api/auth/login', { data: { email: ADMIN.email, password: 'not-the-admin-password' } })).status()).toBe(401);
  // Three a minute, so that the other journeys' sign-ins stay well inside the limit of 10 a minute per address.
  for (let i = 0; i < 3; i++) await failSignIn();
  await new Promise((r) => setTimeout(r, 61_000));
  for (let i = 0; i < 3; i++) await failSignIn();
  await anonymous.dispose();
  const admin = await playwrightRequest.newContext({ baseURL: process.env.E2E_BASE_URL, storageState: ADMIN_STATE });
  // The evaluation runs once a minute: wait for it to store the firing.
  await expect
    .poll(
      async () => {
        const body = (await (await admin.get(`/trpc/alerts.list?input=${encodeURIComponent(JSON.stringify({ status: 'firing' }))}`)).json()) as { result: { data: { alerts: { rule: string }[] } } };
        return body.result.data.alerts.some((a) => a.rule === 'auth_failures');
      },
      { timeout: 130_000, intervals: [2_000] },
    )
    .toBe(true);
  await admin.dispose();
});

test('acknowledge: an operator says "I have this" with a note; the screen shows who, and the button is gone', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await page.goto('/alerts');
  await expect(row(page)).toContainText('Firing');
  await row(page).getByRole('button', { name: `Acknowledge ${RULE_LABEL}` }).click();
  const dialog = page.getByRole('dialog', { name: `Acknowledge ${RULE_LABEL}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Note (optional)').fill('Checking the sign-in logs');
  await dialog.getByRole('button', { name: 'Acknowledge', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row(page)).toContainText('Acknowledged');
  await expect(row(page)).toContainText(`Acknowledged by ${ADMIN.email}: Checking the sign-in logs`);
  await expect(row(page).getByRole('button', { name: `Acknowledge ${RULE_LABEL}` })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('silence: the dialog asks for a duration and a reason (required); the rule shows as silenced until its end', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await page.goto('/alerts');
  await row(page).getByRole('button', { name: `Silence ${RULE_LABEL}` }).click();
  const dialog = page.getByRole('dialog', { name: `Silence ${RULE_LABEL}?` });
  await dialog.getByRole('button', { name: 'Silence', exact: true }).click();
  await expect(dialog.getByText('Give a reason.')).toBeVisible();
  await expect(dialog.getByLabel('Reason')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('Duration').selectOption({ label: '4 hours' });
  await dialog.getByLabel('Reason').fill('Known scanner, blocked at the edge');
  await dialog.getByRole('button', { name: 'Silence', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row(page)).toContainText('Silenced');
  await expect(row(page)).toContainText(`by ${ADMIN.email}: Known scanner, blocked at the edge`);
  const silences = page.getByRole('region', { name: 'Open silences' });
  await expect(silences).toContainText(RULE_LABEL);
  await expect(silences).toContainText('Known scanner, blocked at the edge');
  expect(errors).toEqual([]);
});

test('lift silence: the rule notifies again; the alert is back to acknowledged and the silence list is empty', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await page.goto('/alerts');
  await expect(row(page)).toContainText('Silenced');
  await row(page).getByRole('button', { name: `Lift the silence of ${RULE_LABEL}` }).click();
  await expect(row(page)).toContainText('Acknowledged');
  await expect(row(page)).not.toContainText('Silenced until');
  await expect(page.getByRole('region', { name: 'Open silences' })).toHaveCount(0);
  await expect(row(page).getByRole('button', { name: `Silence ${RULE_LABEL}` })).toBeVisible();
  expect(errors).toEqual([]);
});
