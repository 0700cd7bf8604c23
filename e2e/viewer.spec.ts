import { expect, test } from '@playwright/test';
import { VIEWER } from './support/accounts';
import { completedForceSync, trpcQuery } from './support/api';
import { saveScreen } from './support/screens';

test('a viewer created in the Users screen can read but not re-run or replay: the buttons are absent and the server refuses (403)', async ({ page, browser }, testInfo) => {
  // A whole force sync, then a user made and signed in (scrypt at OWASP cost, twice): 36 s alone, over 45 s beside other work.
  test.setTimeout(90_000);
  const { workflowId } = await completedForceSync(page.request, 'E2E Viewer Client');
  const workflow = await trpcQuery<{ events: { event_id: string }[] }>(page.request, 'workflows.get', { workflowId });
  const eventId = workflow.events[0]!.event_id;

  // The admin creates the viewer through the console.
  await page.goto('/settings/users');
  await page.getByLabel('New user e-mail').fill(VIEWER.email);
  await page.getByLabel('Initial password').fill(VIEWER.password);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'User created' })).toContainText(`${VIEWER.email} can now sign in as viewer.`);
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('combobox', { name: `Role of ${VIEWER.email}` })).toHaveValue('viewer');
  await saveScreen(page, testInfo, 'settings-users');

  // The viewer signs in, in a browser of their own.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const viewer = await context.newPage();
  await viewer.goto('/');
  await viewer.getByLabel('Email').fill(VIEWER.email);
  await viewer.getByLabel('Password').fill(VIEWER.password);
  await viewer.getByRole('button', { name: 'Sign in' }).click();
  await expect(viewer.getByRole('group', { name: 'Signed in user' })).toContainText('viewer');

  await viewer.goto(`/workflows/${workflowId}`);
  await expect(viewer.getByRole('table', { name: 'Agent timeline' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Re-run' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Replay' })).toHaveCount(0);
  await expect(viewer.getByRole('link', { name: 'Force sync', exact: true })).toHaveCount(0);
  await saveScreen(viewer, testInfo, 'workflow-detail-viewer');

  // Settings: reading is fine, acting and admin sections are not offered.
  await viewer.goto('/settings/force-sync');
  await expect(viewer.getByText('Your role cannot start a force sync')).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Start force sync' })).toHaveCount(0);
  await expect(viewer.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Users' })).toHaveCount(0);

  // Events: the viewer reads the log and an event, with no replay offered anywhere.
  await viewer.goto('/events');
  await expect(viewer.getByRole('table', { name: 'Webhook events' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Bulk replay…' })).toHaveCount(0);
  await viewer.goto(`/events/${eventId}`);
  await expect(viewer.getByRole('region', { name: 'Payload' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Replay' })).toHaveCount(0);
  await viewer.goto('/settings');
  await expect(viewer.getByRole('table', { name: 'Configuration checks' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Run the test' })).toHaveCount(0);
  await expect(viewer.getByRole('region', { name: 'Cleanup old events' })).toHaveCount(0);

  // Hiding is not the protection: the server refuses each call itself.
  for (const [path, input] of [
    ['workflows.rerun', { workflowId }],
    ['replay.workflow', { workflow_id: workflowId, dry_run: true }],
    ['replay.bulk', { filter: { event_ids: [eventId], status: 'any' }, dry_run: true }],
    ['diagnostics.testConfiguration', undefined],
    ['diagnostics.cleanup', { retention_days: 3650 }],
  ] as const) {
    const res = await viewer.request.post(`/trpc/${path}`, { data: input ?? {} });
    expect(res.status(), path).toBe(403);
    expect(JSON.stringify(await res.json())).toContain('FORBIDDEN');
  }
  await context.close();
});
