import { expect, type Page, test } from '@playwright/test';
import { ADMIN } from './support/accounts';
import { type RunningServer, startServer } from './support/start-server';
import { deliverOsa, workflowEvent } from './support/webhooks';

/** Longer than every fallback poll of the events screen (5 s): a timer would have fired in it. */
const IDLE_MS = 7_000;
const SAMPLES = 7;

/** The times at which the page asked for the events log (a batched tRPC GET naming diagnostics.events). */
function logRequests(page: Page): number[] {
  const at: number[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/trpc/') && r.url().includes('diagnostics.events')) at.push(Date.now());
  });
  return at;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let own: RunningServer | undefined;
test.afterAll(async () => {
  await own?.stop();
});

test('a committed webhook appears on the events screen by push, without a polling request', async ({ browser }, testInfo) => {
  // A server of its own: the suite's shared one hears the other journeys' writes, each of which rightly refetches the log.
  own = await startServer();
  const context = await browser.newContext({ baseURL: own.baseURL, storageState: { cookies: [], origins: [] } });
  expect((await context.request.post('/api/auth/login', { data: ADMIN })).status()).toBe(200);
  const page = await context.newPage();
  const requests = logRequests(page);
  await page.goto('/events');
  const table = page.getByRole('table', { name: 'Webhook events' }).or(page.getByText('No events stored yet'));
  await expect(table).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection: Live' })).toBeVisible();

  // Nothing changes: with the stream up, no timer asks for the log again.
  const quietFrom = Date.now();
  await page.waitForTimeout(IDLE_MS);
  expect(requests.filter((t) => t >= quietFrom), 'requests for the log while nothing changed').toEqual([]);

  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const event = workflowEvent();
    // Watches the table from inside the page: the moment the row is drawn, not when a poll of the test saw it.
    const seen = page.evaluate(
      (id) =>
        new Promise<number>((resolve) => {
          const check = () => {
            if ([...document.querySelectorAll('table')].some((t) => t.textContent?.includes(id))) {
              observer.disconnect();
              resolve(Date.now());
            }
          };
          const observer = new MutationObserver(check);
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
          check();
        }),
      event.workflow_id,
    );
    const before = requests.length;
    const sentAt = Date.now();
    const { status } = await deliverOsa(page.request, JSON.stringify(event));
    expect(status).toBe(202);
    const shownAt = await seen;
    times.push(shownAt - sentAt);
    // It came by one refetch that the push asked for.
    expect(requests.length).toBeGreaterThan(before);
    await expect(page.getByRole('table', { name: 'Webhook events' }).getByRole('link', { name: event.workflow_id })).toBeVisible();
  }
  const summary = `commit-to-screen over ${SAMPLES} webhooks: median ${median(times)} ms (min ${Math.min(...times)}, max ${Math.max(...times)}; from the POST's start to the row drawn)`;
  console.log(summary);
  testInfo.annotations.push({ type: 'commit-to-screen', description: summary });
  await context.close();
});

test('reading further down, new events wait behind an "N new events" banner; the rows do not move', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 400 });
  // Enough rows to scroll, whatever ran before.
  for (let i = 0; i < 15; i++) expect((await deliverOsa(page.request, JSON.stringify(workflowEvent()))).status).toBe(202);
  await page.goto('/events');
  await expect(page.getByRole('status', { name: 'Connection: Live' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Webhook events' });
  await expect(table).toBeVisible();
  await page.mouse.wheel(0, 600);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(150);
  // Which row is first, not its text: the row's "19 s ago" ticks on by itself.
  const firstRowOf = () => table.getByRole('row').nth(1).getByRole('link').first().textContent();
  const firstRow = await firstRowOf();
  const event = workflowEvent();
  await deliverOsa(page.request, JSON.stringify(event));
  const banner = page.getByRole('status').filter({ hasText: 'new event' });
  await expect(banner).toContainText('1 new event');
  expect(await firstRowOf()).toBe(firstRow);
  await banner.getByRole('button', { name: 'Show newest' }).click();
  await expect(table.getByRole('link', { name: event.workflow_id })).toBeVisible();
  await expect(banner).toHaveCount(0);
});

test('when the live stream drops, the shell says reconnecting and the screen polls until it is back', async ({ page }) => {
  const requests = logRequests(page);
  await page.route('**/trpc/live.changes**', (route) => route.abort('connectionrefused'));
  await page.goto('/events');
  await expect(page.getByRole('status', { name: 'Connection: Reconnecting' })).toBeVisible({ timeout: 15_000 });
  // The fallback: the log is asked for again on a timer.
  const from = Date.now();
  await expect.poll(() => requests.filter((t) => t > from).length, { timeout: 15_000 }).toBeGreaterThan(0);
  const event = workflowEvent();
  await deliverOsa(page.request, JSON.stringify(event));
  await expect(page.getByRole('link', { name: event.workflow_id })).toBeVisible({ timeout: 15_000 });

  await page.unroute('**/trpc/live.changes**');
  await expect(page.getByRole('status', { name: 'Connection: Live' })).toBeVisible({ timeout: 15_000 });
});

test("a workflow's detail follows its callbacks by push, with no timer asking for it", async ({ page }) => {
  const started = workflowEvent();
  await deliverOsa(page.request, JSON.stringify(started));
  const asked: number[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/trpc/') && r.url().includes('workflows.get')) asked.push(Date.now());
  });
  await page.goto(`/workflows/${encodeURIComponent(started.workflow_id)}`);
  const events = page.getByRole('table', { name: 'Workflow events' });
  await expect(events.getByRole('link', { name: 'workflow.started' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection: Live' })).toBeVisible();
  // A running workflow was polled every 2 s before; now nothing asks while nothing happens.
  const quietFrom = Date.now();
  await page.waitForTimeout(5_000);
  expect(asked.filter((t) => t >= quietFrom)).toEqual([]);

  const agent = workflowEvent({ workflow_id: started.workflow_id, event_type: 'agent.started', agent_id: 'geo_audit', offset: 1 });
  await deliverOsa(page.request, JSON.stringify(agent));
  await expect(events.getByRole('link', { name: 'agent.started' })).toBeVisible({ timeout: 5_000 });
  expect(asked.filter((t) => t >= quietFrom).length).toBeGreaterThan(0);
});
