import { expect, test } from '@playwright/test';
import { collectConsoleErrors } from './support/console-errors';
import { deliverOsa, workflowEvent } from './support/webhooks';

test('an event Opal sent three times shows "received 3×" in the events log and on its detail, with the last copy’s time', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  const event = workflowEvent();
  const body = JSON.stringify(event);
  const first = await deliverOsa(page.request, body);
  expect(first.status).toBe(202);
  for (let i = 0; i < 2; i++) expect(await deliverOsa(page.request, body)).toEqual({ status: 409, eventId: first.eventId });

  await page.goto(`/events?workflow_id=${encodeURIComponent(event.workflow_id)}`);
  const table = page.getByRole('table', { name: 'Webhook events' });
  await expect(table.getByRole('row')).toHaveCount(2); // header + the one stored event
  const row = table.getByRole('row').nth(1);
  await expect(row).toContainText('received 3×');

  await row.getByRole('link', { name: /^workflow\.started/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('workflow.started');
  await expect(page.getByText('received 3×', { exact: true })).toBeVisible();
  const delivery = page.getByRole('region', { name: 'Delivery' });
  await expect(delivery).toContainText('2 (received 3×), last');

  // The overview draws the duplicate rate per bucket, with the same numbers in its table.
  await page.goto('/?range=1h');
  const card = page.getByRole('region', { name: 'Duplicate rate' });
  await card.scrollIntoViewIfNeeded();
  await expect(card.getByRole('figure', { name: /^Duplicate rate: [\d.]+% over the range \([1-9][\d,]* copies of [1-9][\d,]* deliveries\), highest / })).toBeVisible();
  await card.getByText('Show as table').click();
  const copies = await card.getByRole('table', { name: 'Duplicate rate' }).locator('tbody tr td:nth-child(3)').allInnerTexts();
  expect(copies.map((c) => Number(c.replace(/\D/g, ''))).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
  expect(errors).toEqual([]);
});
