import { type Browser, expect, type Page, test } from '@playwright/test';
import { ADMIN } from './support/accounts';
import { EMPTY_SEED, openDialog, type Seed, seedViews, settle, VIEWS } from './support/a11y-views';
import type { MetricsOverview } from '../server/contracts/metrics';
import { completedForceSync, trpcQuery } from './support/api';
import { axeFindings, type Finding, formatFindings } from './support/axe';
import { startServer, type RunningServer } from './support/start-server';

/*
 * WCAG 2.1 AA by axe: every view in e2e/support/a11y-views.ts (each screen,
 * each settings tab, each dialog open), with data (the journeys' server,
 * seeded here) and empty (a second, fresh server started for this file),
 * in the light and the dark scheme, and the sign-in screen. Each test
 * scans every view before it fails, and fails with the whole list.
 */
const SCHEMES = ['light', 'dark'] as const;

let empty: RunningServer | undefined;
test.afterAll(async () => {
  await empty?.stop();
  empty = undefined;
});

async function scanViews(page: Page, s: Seed, withData: boolean, suffix: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const v of VIEWS) {
    if (v.needsData && !withData) continue;
    const screen = `${v.name} (${suffix})`;
    try {
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      await v.before?.(page);
      await page.goto(v.path(s));
      await settle(page);
      if (v.dialog) await openDialog(page, v.dialog);
      if (v.open) {
        await v.open(page);
        await expect(page.locator('.state-loading')).toHaveCount(0);
      }
      findings.push(...(await axeFindings(page, screen)));
    } catch (e) {
      // A view that does not draw is a finding too; the others are still scanned.
      const shown = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
      findings.push({ screen, rule: 'not-scanned', impact: 'critical', nodes: 0, help: (e as Error).message.split('\n')[0]!, targets: [`the page showed: ${shown}`] });
    }
  }
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  return findings;
}

async function scanSignIn(browser: Browser, baseURL: string, scheme: (typeof SCHEMES)[number], suffix: string): Promise<Finding[]> {
  const context = await browser.newContext({ baseURL, colorScheme: scheme, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  const findings = await axeFindings(page, `sign-in (${suffix})`);
  // A refused sign-in shows its error: scanned too.
  await page.getByLabel('Email').fill('nobody@e2e.test');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  findings.push(...(await axeFindings(page, `sign-in-refused (${suffix})`)));
  await context.close();
  return findings;
}

async function report(findings: Finding[], name: string) {
  await test.info().attach(`${name}.txt`, { body: formatFindings(findings), contentType: 'text/plain' });
  const counts = findings.map((f) => `${f.screen.padEnd(44)} ${f.rule.padEnd(28)} ${f.impact.padEnd(9)} ${f.nodes}`);
  console.log(`\n${name}: ${findings.length} screen×rule findings\n${counts.join('\n')}\n`);
  expect(findings, formatFindings(findings)).toEqual([]);
}

for (const scheme of SCHEMES) {
  test.describe(`${scheme} scheme`, () => {
    test.use({ colorScheme: scheme });

    test(`every screen and dialog with data has no serious or critical axe violation (${scheme})`, async ({ page, browser, baseURL }) => {
      // About thirty views, each drawn, settled and scanned, beside another worker: minutes on a busy machine.
      test.setTimeout(360_000);
      const s = await seedViews(page);
      const findings = await scanViews(page, s, true, `${scheme}, data`);
      findings.push(...(await scanSignIn(browser, baseURL!, scheme, scheme)));
      await report(findings, `axe-${scheme}-data`);
    });

    test(`every screen and dialog empty has no serious or critical axe violation (${scheme})`, async ({ browser }) => {
      // About thirty views, each drawn, settled and scanned, beside another worker: minutes on a busy machine.
      test.setTimeout(360_000);
      empty ??= await startServer();
      const context = await browser.newContext({ baseURL: empty.baseURL, colorScheme: scheme, storageState: { cookies: [], origins: [] } });
      expect((await context.request.post('/api/auth/login', { data: ADMIN })).status()).toBe(200);
      const page = await context.newPage();
      const findings = await scanViews(page, EMPTY_SEED, false, `${scheme}, empty`);
      await context.close();
      await report(findings, `axe-${scheme}-empty`);
    });
  });
}

test('every overview chart has a table of the numbers it draws', async ({ page }) => {
  await completedForceSync(page.request, 'E2E Chart Table Client');
  await page.goto('/');
  await settle(page);
  // One "Show as table" per drawn chart.
  await expect(page.locator('.chart-card summary', { hasText: 'Show as table' })).toHaveCount(await page.locator('.chart-card figure').count());
  const card = page.getByRole('region', { name: 'Workflows by status' });
  await card.getByText('Show as table').click();
  const table = card.getByRole('table', { name: 'Workflows by status' });
  await expect(table.getByRole('columnheader')).toHaveText(['Time', 'Completed', 'Failed', 'Timed out', 'Running']);
  // The table's completed column adds up to the chart's series, as the server sends it (other journeys add workflows meanwhile: re-read both until they agree).
  await expect(async () => {
    const m = await trpcQuery<MetricsOverview>(page.request, 'metrics.overview', { range: '24h' });
    const drawn = m.series.workflows_by_status.filter((b) => b.completed + b.failed + b.timed_out + b.running > 0);
    const cells = await table.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(cells.map((c) => Number(c.replace(/\D/g, '')))).toEqual(drawn.map((b) => b.completed));
  }).toPass({ timeout: 30_000 });
});
