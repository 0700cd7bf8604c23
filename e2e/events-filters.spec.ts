import { expect, test } from '@playwright/test';
import { completedForceSync } from './support/api';
import { collectConsoleErrors } from './support/console-errors';
import { saveScreen } from './support/screens';

test('a filtered event log lives in the URL and survives a reload; refused deliveries have their own tab, with a hash and never a body', async ({ page }, testInfo) => {
  const errors = collectConsoleErrors(page);
  const { workflowId } = await completedForceSync(page.request, 'E2E Events Filter Client');

  await page.goto('/events');
  const filters = page.getByRole('search', { name: 'Filter events' });
  await filters.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Succeeded' }).click();
  await filters.getByRole('combobox', { name: 'Event type' }).selectOption('agent.completed');
  await filters.getByRole('searchbox', { name: 'Workflow id' }).fill(workflowId);
  await filters.getByRole('combobox', { name: 'Time range' }).selectOption('1h');
  await filters.getByRole('textbox', { name: 'Payload search (JSON)' }).fill('{"agent_id": "content_review"');
  await filters.getByRole('button', { name: 'Search payloads' }).click();
  // Half-typed JSON is named, not sent.
  await expect(page.getByRole('alert').filter({ hasText: 'Not valid JSON' })).toBeVisible();
  await filters.getByRole('textbox', { name: 'Payload search (JSON)' }).fill('{"agent_id": "content_review"}');
  await filters.getByRole('button', { name: 'Search payloads' }).click();
  await expect(page).toHaveURL(/status=success/);
  await expect(page).toHaveURL(/event_type=agent\.completed/);
  await expect(page).toHaveURL(/since=1h/);
  await expect(page).toHaveURL(/q=%7B/);

  const table = page.getByRole('table', { name: 'Webhook events' });
  await expect(table.getByRole('row')).toHaveCount(2); // header + content_review's completion
  await expect(table).toContainText('Content review');
  await saveScreen(page, testInfo, 'events-filtered');

  await page.reload();
  await expect(filters.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Succeeded' })).toHaveAttribute('aria-pressed', 'true');
  await expect(filters.getByRole('combobox', { name: 'Event type' })).toHaveValue('agent.completed');
  await expect(filters.getByRole('searchbox', { name: 'Workflow id' })).toHaveValue(workflowId);
  await expect(filters.getByRole('combobox', { name: 'Time range' })).toHaveValue('1h');
  await expect(filters.getByRole('textbox', { name: 'Payload search (JSON)' })).toHaveValue('{"agent_id": "content_review"}');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('region', { name: 'Receiver health' })).toContainText('the filtered range');

  // A delivery with a wrong signature is refused (401) and listed with its reason, size and body hash.
  const body = JSON.stringify({ event_type: 'workflow.started', workflow_id: 'e2e-forged', offset: 0, timestamp: new Date().toISOString() });
  const refused = await page.request.post('/api/webhooks/opal-workflow', {
    headers: { 'content-type': 'application/json', 'x-osa-signature': `t=${Date.now()},v1=${'0'.repeat(64)}` },
    data: body,
  });
  expect(refused.status()).toBe(401);
  await page.getByRole('navigation', { name: 'Event views' }).getByRole('link', { name: 'Refused deliveries' }).click();
  await expect(page).toHaveURL(/\/events\/refused$/);
  await page.getByRole('search', { name: 'Filter refused deliveries' }).getByRole('combobox', { name: 'Reason' }).selectOption('invalid_signature');
  await expect(page).toHaveURL(/reason=invalid_signature/);
  const rejections = page.getByRole('table', { name: 'Refused deliveries' });
  await expect(rejections.getByRole('row').nth(1)).toContainText('Invalid signature');
  await expect(rejections.getByRole('row').nth(1)).toContainText(`${Buffer.byteLength(body)} B`);
  await expect(rejections.getByRole('row').nth(1).getByRole('button', { name: /^Copy the body hash/ })).toBeVisible();
  await expect(rejections).not.toContainText('e2e-forged');
  await saveScreen(page, testInfo, 'events-refused');
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Reason' })).toHaveValue('invalid_signature');

  expect(errors).toEqual([]);
});
