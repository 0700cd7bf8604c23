import { expect, test } from '@playwright/test';
import { completedForceSync } from './support/api';
import { saveScreen } from './support/screens';

test('a workflow shows its nine agents as a timeline and its events; an event opens with its payload and both states', async ({ page }, testInfo) => {
  const { workflowId } = await completedForceSync(page.request, 'E2E Timeline Client');

  await page.goto('/workflows');
  await page.getByRole('link', { name: workflowId }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(workflowId);

  const timeline = page.getByRole('table', { name: 'Agent timeline' });
  await expect(timeline.getByRole('row')).toHaveCount(10); // header + nine agents
  for (const agent of ['content_review', 'geo_audit', 'customer_journey']) await expect(timeline.getByText(agent, { exact: true })).toBeVisible();
  await expect(page.locator('#summary').getByRole('progressbar', { name: 'Agents completed' })).toHaveAttribute('aria-valuetext', '9 of 9 agents');
  const events = page.getByRole('table', { name: 'Workflow events' });
  await expect(events.getByRole('link', { name: 'workflow.completed' })).toBeVisible();
  await saveScreen(page, testInfo, 'workflow-detail');

  // Re-run explains how it differs from replay before anything is sent.
  await page.getByRole('button', { name: 'Re-run' }).click();
  const dialog = page.getByRole('dialog', { name: 'Re-run this workflow?' });
  await expect(dialog).toContainText('Re-run asks Opal to run strategy_workflow again with the original inputs (a new workflow); Replay re-applies the events we already stored.');
  await saveScreen(page, testInfo, 'workflow-rerun-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  await events.getByRole('link', { name: 'workflow.started' }).click();
  await expect(page).toHaveURL(/\/events\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('workflow.started');
  await expect(page.getByRole('region', { name: 'Processing (this system)' })).toContainText('Processed');
  await expect(page.getByRole('region', { name: 'Outcome (what the event reports)' })).toBeVisible();
  const payload = page.getByRole('group', { name: 'Payload' });
  await expect(payload).toContainText(`"workflow_id": "${workflowId}"`);
  await expect(page.getByRole('region', { name: 'Delivery' })).toContainText('OSA');
  await saveScreen(page, testInfo, 'event-detail');

  // Back to the workflow through the breadcrumb.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: workflowId }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(workflowId);
});

test('re-run starts a new workflow with the original inputs', async ({ page }) => {
  const { workflowId } = await completedForceSync(page.request, 'E2E Rerun Client');
  await page.goto(`/workflows/${workflowId}`);
  await page.getByRole('button', { name: 'Re-run' }).click();
  const dialog = page.getByRole('dialog', { name: 'Re-run this workflow?' });
  await expect(dialog).toContainText('E2E Rerun Client');
  await dialog.getByRole('button', { name: 'Re-run workflow' }).click();
  const done = page.getByRole('dialog', { name: 'Re-run started' });
  await expect(done).toContainText('Opal accepted the re-run');
  await done.getByRole('link', { name: 'Open the new workflow' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(workflowId);
  await expect(page.locator('#sync')).toContainText('E2E Rerun Client');
  await expect(page.locator('#summary').getByRole('progressbar', { name: 'Agents completed' })).toHaveAttribute('aria-valuetext', '9 of 9 agents', { timeout: 20_000 });
});

test('replay of a workflow: the dry run shows what would be re-run or skipped and why, options change it, and only then the operator confirms', async ({ page }, testInfo) => {
  const { workflowId } = await completedForceSync(page.request, 'E2E Replay Client');
  await page.goto(`/workflows/${workflowId}`);
  await page.getByRole('button', { name: 'Replay' }).click();
  const dialog = page.getByRole('dialog', { name: 'Replay this workflow?' });
  await expect(dialog).toContainText('Replay re-applies the events we already stored.');
  const plan = dialog.getByRole('region', { name: 'Dry run result' });
  // Everything was processed already: nothing to re-run, each skip has its reason, and confirming is not offered.
  await expect(plan).toContainText('Dry run: 0 of 20 events would be re-run');
  await expect(plan.getByRole('group', { name: 'Dry run counts' })).toContainText('20 already processed');
  await expect(plan).toContainText('No problems found');
  await expect(dialog.getByRole('button', { name: 'Replay', exact: true })).toBeDisabled();

  await dialog.getByRole('checkbox', { name: 'Force reprocess' }).check();
  await expect(plan).toContainText('Dry run: 20 of 20 events would be re-run');
  await dialog.getByRole('spinbutton', { name: 'From offset' }).fill('10');
  await expect(plan).toContainText('Dry run: 10 of 10 events would be re-run');
  await expect(plan.getByRole('table', { name: 'Events in the dry run' }).getByRole('row')).toHaveCount(11);
  await saveScreen(page, testInfo, 'workflow-replay-dry-run', { fullPage: false });

  await dialog.getByRole('textbox', { name: 'Reason (required)' }).fill('E2E: replay from offset 10');
  await dialog.getByRole('button', { name: 'Replay 10 events' }).click();
  const done = page.getByRole('dialog', { name: 'Replay finished' });
  const result = done.getByRole('region', { name: 'Replay result' });
  await expect(result).toContainText('Replay completed');
  await expect(result).toContainText('10 re-run, 0 failed again, 0 skipped. The workflow is Completed (20 events).');
  await saveScreen(page, testInfo, 'workflow-replay-result', { fullPage: false });
  await done.getByRole('button', { name: 'Done' }).click();
  await expect(page.locator('#summary').getByRole('progressbar', { name: 'Agents completed' })).toHaveAttribute('aria-valuetext', '9 of 9 agents');
});
