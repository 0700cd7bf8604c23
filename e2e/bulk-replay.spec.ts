import { expect, test } from '@playwright/test';
import { finishedForceSync } from './support/api';
import { collectConsoleErrors } from './support/console-errors';
import { saveScreen } from './support/screens';

test('bulk replay by filter: the dry run counts first (processing failures only by default), then the operator confirms and sees the result', async ({ page }, testInfo) => {
  const errors = collectConsoleErrors(page);
  const since = new Date(Date.now() - 1000).toISOString();
  const { workflowId } = await finishedForceSync(page.request, 'E2E Bulk Replay Client', { fail_agents: ['cmp_organizer'] });

  // The log filtered to this run's failures; the bulk replay starts from these filters.
  await page.goto(`/events?status=failed&event_type=agent.failed&agent_id=cmp_organizer&start_date=${encodeURIComponent(since)}`);
  const table = page.getByRole('table', { name: 'Webhook events' });
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText(workflowId);

  await page.getByRole('button', { name: 'Bulk replay…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk replay' });
  // By default only processing failures are selected; an agent.failed Opal reported is not one.
  await expect(dialog.getByRole('status').filter({ hasText: 'Dry run: nothing to replay' })).toContainText('not processing failures');
  await expect(dialog.getByRole('button', { name: 'Replay', exact: true })).toBeDisabled();

  await dialog.getByRole('group', { name: 'Processing state' }).getByRole('button', { name: 'Any state' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'The filters changed' })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Replay', exact: true })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Dry run again' }).click();
  const plan = dialog.getByRole('region', { name: 'Dry run result' });
  await expect(plan).toContainText('Dry run: 1 event would be re-run');
  await expect(plan).toContainText('1 matched, in 1 workflow');
  await expect(plan.getByRole('table', { name: 'Dry run sample' })).toContainText(workflowId);
  await saveScreen(page, testInfo, 'bulk-replay-dry-run', { fullPage: false });

  // The reason is required before the replay can be confirmed.
  await expect(dialog.getByRole('button', { name: 'Replay 1 event' })).toBeDisabled();
  await dialog.getByRole('textbox', { name: 'Reason (required)' }).fill('E2E: bulk replay after the cmp_organizer outage');
  await dialog.getByRole('button', { name: 'Replay 1 event' }).click();
  const done = page.getByRole('dialog', { name: 'Bulk replay finished' });
  await expect(done.getByRole('region', { name: 'Replay result' })).toContainText('Replay completed');
  await expect(done.getByRole('group', { name: 'Processing summary' })).toContainText('Re-run successfully1');
  await saveScreen(page, testInfo, 'bulk-replay-result', { fullPage: false });
  await done.getByRole('button', { name: 'Done' }).click();

  // The replay history has it, with who ran it.
  await page.goto('/settings/replays');
  const history = page.getByRole('table', { name: 'Replay history' });
  const replayed = history.getByRole('row').filter({ hasText: 'agent_id=cmp_organizer' }).filter({ hasText: 'Completed' });
  await expect(replayed).toHaveCount(1);
  // Who, when and why.
  await expect(replayed).toContainText('E2E: bulk replay after the cmp_organizer outage');
  await expect(replayed).toContainText('admin');
  await saveScreen(page, testInfo, 'settings-replays');

  expect(errors).toEqual([]);
});
