import { expect, test } from '@playwright/test';
import { finishedForceSync } from './support/api';
import { collectConsoleErrors } from './support/console-errors';
import { saveScreen } from './support/screens';

test('a bulk replay runs as a job: its progress shows, Cancel stops it between batches, and the history says who, when and why', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const errors = collectConsoleErrors(page);
  const since = new Date(Date.now() - 1000).toISOString();
  // Three workflows, one agent.failed each (an agent no other journey fails): three batches, REPLAY_BATCH_PAUSE_MS apart (playwright.config.ts).
  const client = 'E2E Cancel Replay Client';
  for (let i = 0; i < 3; i++) await finishedForceSync(page.request, client, { fail_agents: ['roadmap_generator'] });

  await page.goto(`/events?status=failed&event_type=agent.failed&agent_id=roadmap_generator&start_date=${encodeURIComponent(since)}`);
  await page.getByRole('button', { name: 'Bulk replay…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk replay' });
  await dialog.getByRole('group', { name: 'Processing state' }).getByRole('button', { name: 'Any state' }).click();
  await dialog.getByRole('button', { name: 'Dry run again' }).click();
  await expect(dialog.getByRole('region', { name: 'Dry run result' })).toContainText('in 3 workflows');
  await dialog.getByRole('textbox', { name: 'Reason (required)' }).fill('E2E: cancel me half way');
  await dialog.getByRole('button', { name: 'Replay 3 events' }).click();

  const running = page.getByRole('dialog', { name: 'Bulk replay running' });
  const progress = running.getByRole('region', { name: 'Replay result' });
  await expect(progress).toContainText('1 of 3 workflows done');
  // At once: the job waits REPLAY_BATCH_PAUSE_MS before its next batch.
  await running.getByRole('button', { name: 'Cancel replay' }).click();
  await expect(progress).toContainText('E2E: cancel me half way');

  const done = page.getByRole('dialog', { name: 'Bulk replay finished' });
  const result = done.getByRole('region', { name: 'Replay result' });
  await expect(result).toContainText('Replay cancelled');
  // Between batches: what was done stays done (one event per workflow here), the rest never ran.
  const counts = /(\d) of 3 workflows done · (\d) of 3 events re-run/.exec((await result.textContent()) ?? '');
  expect(counts).not.toBeNull();
  const [workflows, events] = [Number(counts![1]), Number(counts![2])];
  expect(workflows).toBeLessThan(3);
  expect(events).toBe(workflows);
  await expect(done.getByRole('group', { name: 'Processing summary' })).toContainText(`Re-run successfully${workflows}`);
  await saveScreen(page, testInfo, 'bulk-replay-cancelled', { fullPage: false });
  await done.getByRole('button', { name: 'Done' }).click();

  await page.goto('/settings/replays');
  const row = page.getByRole('table', { name: 'Replay history' }).getByRole('row').filter({ hasText: 'E2E: cancel me half way' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Cancelled');
  await expect(row).toContainText('admin');

  expect(errors).toEqual([]);
});
