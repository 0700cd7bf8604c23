import { expect, type Locator, type Page } from '@playwright/test';
import { completedForceSync, finishedForceSync, trpcQuery } from './api';
import { alertFixture, BACKLOG, minutesAgo } from './alert-fixtures';

/**
 * Every view the accessibility scan (e2e/accessibility.spec.ts) and the
 * keyboard journey (e2e/keyboard.spec.ts) visit: each screen, each settings
 * tab, each dialog open, each result panel. A new screen or dialog is one
 * more entry here; nothing else changes.
 *
 * - `path` gets the seeded ids (on the empty server, ids that match nothing).
 * - `dialog`: the view is that dialog open: its opener button's name and its
 *   title. The scan opens it from the keyboard (focus, Enter); the keyboard
 *   journey also checks the focus trap, Escape and the return to the opener.
 * - `open`, if given, brings the view into its state after the screen has
 *   settled (runs the test, shows the result); it ends when that state is drawn.
 * - `needsData`: only on the server with data (its opener needs a workflow or an event).
 * - `before`, if given, runs before the page loads (e.g. amending answers with page.route).
 */
export interface Seed {
  workflowId: string;
  failedWorkflowId: string;
  eventId: string;
}

export interface View {
  name: string;
  path: (s: Seed) => string;
  needsData?: boolean;
  before?: (page: Page) => Promise<void>;
  dialog?: DialogOpener;
  open?: (page: Page) => Promise<void>;
}

export interface DialogOpener {
  opener: string;
  title: string;
}

/** Data for every view: a completed and a failed workflow (its agent.failed event for the event screens) and a refused delivery. */
export async function seedViews(page: Page): Promise<Seed> {
  const { workflowId } = await completedForceSync(page.request, 'E2E Accessible Client');
  const failed = await finishedForceSync(page.request, 'E2E Accessible Failing Client', { fail_agents: ['geo_audit'] });
  // One refused delivery: a wrong signature.
  const refused = await page.request.post('/api/webhooks/opal-workflow', {
    headers: { 'content-type': 'application/json', 'x-osa-signature': `t=${Date.now()},v1=${'0'.repeat(64)}` },
    data: JSON.stringify({ event_type: 'workflow.started', workflow_id: 'e2e-a11y-forged', offset: 0, timestamp: new Date().toISOString() }),
  });
  expect(refused.status()).toBe(401);
  const log = await trpcQuery<{ events: { id: string; event_type: string }[] }>(page.request, 'diagnostics.events', { limit: 50, workflow_id: failed.workflowId });
  const eventId = log.events.find((e) => e.event_type === 'agent.failed')?.id ?? log.events[0]!.id;
  return { workflowId, failedWorkflowId: failed.workflowId, eventId };
}

/** Ids that exist on no server: the empty scan's detail screens show their "not found" state. */
export const EMPTY_SEED: Seed = { workflowId: 'no-such-workflow', failedWorkflowId: 'no-such-workflow', eventId: '00000000-0000-4000-8000-000000000000' };

/** Opens a dialog from the keyboard (its opener focused, Enter) and waits until what it loads (a dry run) is drawn. */
export async function openDialog(page: Page, d: DialogOpener): Promise<Locator> {
  const opener = page.getByRole('button', { name: d.opener, exact: true });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: d.title });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('.state-loading')).toHaveCount(0);
  return dialog;
}

export const VIEWS: View[] = [
  { name: 'overview', path: () => '/' },
  { name: 'overview-alerts', path: () => '/', before: (p) => withFiringAlert(p) },
  { name: 'workflows', path: () => '/workflows' },
  { name: 'workflow-detail', path: (s) => `/workflows/${encodeURIComponent(s.workflowId)}` },
  { name: 'workflow-detail-failed', path: (s) => `/workflows/${encodeURIComponent(s.failedWorkflowId)}`, needsData: true },
  { name: 'dialog-rerun', path: (s) => `/workflows/${encodeURIComponent(s.workflowId)}`, needsData: true, dialog: { opener: 'Re-run', title: 'Re-run this workflow?' } },
  { name: 'dialog-replay-workflow', path: (s) => `/workflows/${encodeURIComponent(s.workflowId)}`, needsData: true, dialog: { opener: 'Replay', title: 'Replay this workflow?' } },
  { name: 'events', path: () => '/events' },
  { name: 'events-failed', path: () => '/events?status=failed' },
  { name: 'dialog-bulk-replay', path: () => '/events', dialog: { opener: 'Bulk replay…', title: 'Bulk replay' } },
  { name: 'refused-deliveries', path: () => '/events/refused' },
  { name: 'event-detail', path: (s) => `/events/${s.eventId}` },
  { name: 'dialog-replay-event', path: (s) => `/events/${s.eventId}`, needsData: true, dialog: { opener: 'Replay', title: 'Replay this event?' } },
  { name: 'alerts', path: () => '/alerts' },
  { name: 'alerts-with-data', path: () => '/alerts', before: (p) => withFiringAlert(p) },
  {
    name: 'dialog-acknowledge',
    path: () => '/alerts',
    before: (p) => withFiringAlert(p),
    dialog: { opener: 'Acknowledge Force sync success rate', title: 'Acknowledge Force sync success rate?' },
  },
  {
    name: 'dialog-silence',
    path: () => '/alerts',
    before: (p) => withFiringAlert(p),
    dialog: { opener: 'Silence Force sync success rate', title: 'Silence Force sync success rate?' },
  },
  { name: 'settings-configuration', path: () => '/settings' },
  {
    name: 'settings-test-result',
    path: () => '/settings',
    open: async (p) => {
      const card = p.getByRole('region', { name: 'Test configuration' });
      await card.getByRole('button', { name: 'Run the test' }).click();
      await expect(card.getByRole('region', { name: 'Test result' })).toBeVisible();
    },
  },
  { name: 'dialog-cleanup', path: () => '/settings', dialog: { opener: 'Clean up…', title: 'Delete old events?' } },
  { name: 'settings-force-sync', path: () => '/settings/force-sync' },
  { name: 'settings-replays', path: () => '/settings/replays' },
  { name: 'settings-users', path: () => '/settings/users' },
  { name: 'settings-audit', path: () => '/settings/audit' },
  { name: 'not-found', path: () => '/no-such-screen' },
];

/** Waits until the screen has drawn: its heading, no loading state, every chart (drawn as they near the viewport). */
export async function settle(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.state-loading')).toHaveCount(0);
  const pending = page.locator('.chart-pending');
  await expect(async () => {
    if (await pending.count()) await pending.first().scrollIntoViewIfNeeded();
    await expect(pending).toHaveCount(0, { timeout: 1000 });
  }).toPass();
  await page.evaluate(() => window.scrollTo(0, 0));
}

/*
 * A rule fires only after a minute's evaluation of real trouble, so the
 * server's answers to `alerts.list` are amended in flight with a firing and
 * an acknowledged alert (the contract's shape, support/alert-fixtures.ts).
 */
async function withFiringAlert(page: Page): Promise<void> {
  const alert = alertFixture({
    id: '5b0c4f8e-6a39-4d7c-9a57-0d5f1f6f2a11',
    history: [{ kind: 'fired', actor: 'system', note: null, at: minutesAgo(12), silence_id: null }],
  });
  const acknowledged = alertFixture({
    ...BACKLOG,
    id: '5b0c4f8e-6a39-4d7c-9a57-0d5f1f6f2a12',
    state: 'acknowledged',
    acknowledged_at: minutesAgo(5),
    acknowledged_by: 'admin@e2e.test',
    acknowledge_note: 'Looking into it',
  });
  await page.route(/\/trpc\/[^?]*alerts\.list/, async (route) => {
    const procedures = new URL(route.request().url()).pathname.replace('/trpc/', '').split(',');
    const response = await route.fetch();
    const body = (await response.json()) as { result?: { data: Record<string, unknown> } }[];
    procedures.forEach((p, i) => {
      const r = body[i]?.result;
      if (p === 'alerts.list' && r) r.data = { ...r.data, firing_count: 2, alerts: [alert, acknowledged] };
    });
    await route.fulfill({ response, json: body });
  });
}
