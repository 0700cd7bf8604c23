import { expect, test } from '@playwright/test';
import { completedForceSync, trpcQuery } from './support/api';
import { collectConsoleErrors } from './support/console-errors';
import { saveScreen } from './support/screens';

test('the overview shows the runbook’s key metrics against their targets and charts with data from a force sync; the range lives in the URL', async ({ page }, testInfo) => {
  // Up to a minute's wait for the hourly roll-up below, on top of the journey itself.
  test.setTimeout(150_000);
  const errors = collectConsoleErrors(page);
  await completedForceSync(page.request, 'E2E Overview Client');

  await page.goto('/');
  await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '1 h' }).click();
  await expect(page).toHaveURL(/[?&]range=1h/);

  // Firing alerts come first: either the list or the quiet line saying there are none.
  await expect(page.getByRole('status', { name: 'Firing alerts' }).or(page.getByRole('region', { name: 'Firing alerts' }))).toBeVisible();

  const metrics = page.getByRole('list', { name: 'Key metrics' });
  await expect(metrics.getByRole('listitem')).toHaveCount(6);
  const forceSync = metrics.getByRole('listitem', { name: 'Force sync success rate' });
  await expect(forceSync).toContainText('100%');
  await expect(forceSync).toContainText('meets target · target ≥ 95%');
  await expect(metrics.getByRole('listitem', { name: 'Workflow completion rate' })).not.toContainText('No data');
  await expect(metrics.getByRole('listitem', { name: 'End-to-end time' })).toContainText('target P95 < 8 min');

  // The charts arrive in their own chunk, drawn from the same answer; those below the fold as they are scrolled to.
  await expect(page.getByRole('figure', { name: /^Processing latency: [1-9][\d,]* events, P50/ })).toBeVisible();
  const chart = async (title: string, name: RegExp) => {
    await page.getByRole('region', { name: title }).scrollIntoViewIfNeeded();
    await expect(page.getByRole('figure', { name })).toBeVisible();
  };
  await chart('Workflows by status', /^Workflows by status: [1-9][\d,]* completed/);
  await expect(page.getByRole('figure', { name: /^Workflows by status/ }).locator('.recharts-bar-rectangle').first()).toBeVisible();
  await chart('Success by agent', /^Success by agent: 9 agents/);
  await chart('Webhook deliveries', /^Webhook deliveries: [1-9][\d,]* accepted/);
  await saveScreen(page, testInfo, 'overview-range-1h');

  // The range survives a reload and can be changed back.
  await page.reload();
  await expect(page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '1 h' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '7 d' }).click();
  await expect(page).toHaveURL(/[?&]range=7d/);
  await expect(page.getByText('the last 7 days, per hour')).toBeVisible();
  // Hourly buckets come from the rollups: the workflow is there (its status may be as of the last roll-up, at most a minute old).
  await chart('Workflows by status', /^Workflows by status: \d+ completed, \d+ failed, \d+ timed out, \d+ running$/);

  // HTTP request counters reach the database every 10 s; a count flushed just after the minute's roll-up of the
  // current hour shows in the hourly ranges at the next roll-up (a minute later): once they have, a reload draws them.
  await expect
    .poll(async () => (await trpcQuery<{ totals: { http_requests: number } }>(page.request, 'metrics.overview', { range: '7d' })).totals.http_requests, { timeout: 80_000 })
    .toBeGreaterThan(0);
  await page.reload();
  await chart('Request volume', /^Request volume: [1-9][\d,]* requests/);
  await chart('Success rate by endpoint', /^Success rate by endpoint: [1-9][\d,]* endpoints/);

  expect(errors).toEqual([]);
});
