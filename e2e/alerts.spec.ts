import { expect, type Page, test } from '@playwright/test';
import { collectConsoleErrors } from './support/console-errors';
import { alertFixture, BACKLOG, minutesAgo } from './support/alert-fixtures';
import { saveScreen } from './support/screens';

// The server's answers to `alerts.list` are amended in flight with one firing and one resolved alert; everything else is the real server.
const FIRING = alertFixture();
const RESOLVED = alertFixture({
  ...BACKLOG,
  id: '5b0c4f8e-6a39-4d7c-9a57-0d5f1f6f2a02',
  status: 'resolved',
  state: 'resolved',
  fired_at: minutesAgo(125),
  resolved_at: minutesAgo(65),
});

async function amendAlerts(page: Page) {
  await page.route(/\/trpc\/[^?]*alerts\.list/, async (route) => {
    const url = new URL(route.request().url());
    const procedures = url.pathname.replace('/trpc/', '').split(',');
    const inputs = JSON.parse(url.searchParams.get('input') ?? '{}') as Record<string, { status?: string }>;
    const response = await route.fetch();
    const body = (await response.json()) as { result: { data: Record<string, unknown> } }[];
    procedures.forEach((p, i) => {
      if (p !== 'alerts.list' || !body[i]?.result) return;
      const status = inputs[String(i)]?.status ?? 'all';
      const alerts = [FIRING, RESOLVED].filter((a) => status === 'all' || a.status === status);
      body[i]!.result.data = { ...body[i]!.result.data, firing_count: 1, alerts };
    });
    await route.fulfill({ response, json: body });
  });
}

test('alerts: firing ones lead the overview; the Alerts screen lists firing and resolved with rule, severity, value, threshold, times and duration, filtered in the URL', async ({ page }, testInfo) => {
  const errors = collectConsoleErrors(page);
  await amendAlerts(page);

  await page.goto('/');
  const strip = page.getByRole('region', { name: 'Firing alerts' });
  await expect(strip).toContainText('1 alert firing');
  await expect(strip).toContainText('Force sync success rate 80.0%');
  await strip.getByRole('link', { name: 'All alerts →' }).click();

  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  await expect(page.getByText('1 firing', { exact: true })).toBeVisible();
  const table = page.getByRole('table', { name: 'Alerts' });
  await expect(table.getByRole('row')).toHaveCount(3);
  const firing = table.getByRole('row').filter({ hasText: 'force_sync_success_rate' });
  await expect(firing).toContainText('Firing');
  await expect(firing).toContainText('critical');
  await expect(firing).toContainText('80%');
  await expect(firing).toContainText('< 90%; resolves at 92%');
  await expect(firing).toContainText('12 min ago');
  await expect(firing).toContainText('ongoing');
  const resolved = table.getByRole('row').filter({ hasText: 'event_backlog' });
  await expect(resolved).toContainText('Resolved');
  await expect(resolved).toContainText('> 100; resolves at 50');
  await expect(resolved).toContainText('1 h');
  await saveScreen(page, testInfo, 'alerts-history');

  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Firing' }).click();
  await expect(page).toHaveURL(/status=firing/);
  await expect(table.getByRole('row')).toHaveCount(2);
  await page.reload();
  await expect(page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Firing' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('table', { name: 'Alerts' }).getByRole('row')).toHaveCount(2);
  expect(errors).toEqual([]);
});
