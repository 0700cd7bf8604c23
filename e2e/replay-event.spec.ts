import { expect, test } from '@playwright/test';
import { finishedForceSync } from './support/api';
import { collectConsoleErrors } from './support/console-errors';
import { saveScreen } from './support/screens';

/*
 * The e2e server cannot be made to fail its own processing through public
 * routes (a processing failure is a database error in the projection
 * update), so the failed event here is one Opal *reports* (agent.failed).
 * Replay still goes dry run → confirm → result on it; it re-applies the
 * event, and the event keeps reporting its failure, as the dialog says.
 */
test('an operator finds a failed event in the log and replays it: dry run first, then confirm, then the result', async ({ page }, testInfo) => {
  const errors = collectConsoleErrors(page);
  const { workflowId } = await finishedForceSync(page.request, 'E2E Failing Agent Client', { fail_agents: ['geo_audit'] });

  await page.goto('/events');
  await page.getByRole('search', { name: 'Filter events' }).getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Failed' }).click();
  await page.getByRole('searchbox', { name: 'Workflow id' }).fill(workflowId);
  await expect(page).toHaveURL(new RegExp(`status=failed.*workflow_id=${workflowId}`));
  const table = page.getByRole('table', { name: 'Webhook events' });
  await expect(table.getByRole('row')).toHaveCount(2); // header + geo_audit's failure
  const row = table.getByRole('row').nth(1);
  await expect(row).toContainText('Reported failure');
  await expect(row).toContainText('Opal reported agent.failed');
  await saveScreen(page, testInfo, 'events-failed');

  await row.getByRole('link', { name: /^agent\.failed/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('agent.failed');
  await expect(page.getByRole('note').filter({ hasText: "Reported failure: Opal's side" })).toBeVisible();

  await page.getByRole('button', { name: 'Replay' }).click();
  const dialog = page.getByRole('dialog', { name: 'Replay this event?' });
  await expect(dialog).toContainText('Replay re-applies the events we already stored.');
  const plan = dialog.getByRole('region', { name: 'Dry run result' });
  await expect(plan).toContainText('Dry run: 1 event would be re-run');
  await expect(plan).toContainText('it will still report that failure');
  await saveScreen(page, testInfo, 'event-replay-dry-run', { fullPage: false });

  await expect(dialog.getByRole('button', { name: 'Confirm replay' })).toBeDisabled();
  await dialog.getByRole('textbox', { name: 'Reason (required)' }).fill('E2E: one event again');
  await dialog.getByRole('button', { name: 'Confirm replay' }).click();
  const done = page.getByRole('dialog', { name: 'Event replayed' });
  await expect(done.getByRole('region', { name: 'Replay result' })).toContainText('Replay completed');
  await expect(done.getByRole('group', { name: 'Processing summary' })).toContainText('Re-run successfully1');
  await saveScreen(page, testInfo, 'event-replay-result', { fullPage: false });
  await done.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  // Still a reported failure: replay never changes what an event reports.
  await expect(page.getByRole('region', { name: 'Outcome (what the event reports)' })).toContainText('Failure');

  expect(errors).toEqual([]);
});
