import { gzipSync } from 'node:zlib';
import { expect, type Page, test } from '@playwright/test';
import { ADMIN_STATE } from './support/accounts';

/**
 * The first-screen budget: the JavaScript a fresh browser loads to show each
 * screen, gzip-compressed (level 9, as the build reports it), at most 150 KB.
 * The chart library is loaded after the Overview's cards, in its own chunk,
 * and is reported apart. Printed as a table (and attached to the report).
 */
const BUDGET_KB = 150;
const LAZY_EXTRAS = /\/overview-charts-[^/]+\.js$/;
const ROUTES = [
  { path: '/', heading: 'Overview' },
  { path: '/workflows', heading: 'Workflows' },
  { path: '/events', heading: 'Events' },
  { path: '/alerts', heading: 'Alerts' },
  { path: '/settings', heading: 'Settings' },
];

test('each screen’s first JavaScript stays within 150 KB gzip (the charts load after, on their own)', async ({ browser }, testInfo) => {
  const rows: { route: string; firstKb: number; chartsKb: number; files: number }[] = [];
  const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
  const measure = async (storageState: string | { cookies: []; origins: [] }, routes: { label: string; path: string; ready: (page: Page) => Promise<void> }[]) => {
    const context = await browser.newContext({ storageState });
    const page = await context.newPage();
    // Each navigation loads every module again, as a first visit would.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    let sizes = new Map<string, number>();
    page.on('response', async (res) => {
      if (!res.url().endsWith('.js') || !res.ok()) return;
      const body = await res.body().catch(() => null);
      if (body) sizes.set(res.url(), gzipSync(body, { level: 9 }).length);
    });
    for (const r of routes) {
      sizes = new Map();
      await page.goto(r.path);
      await r.ready(page);
      const all = [...sizes.entries()];
      const total = (list: [string, number][]) => kb(list.reduce((s, [, n]) => s + n, 0));
      rows.push({ route: r.label, firstKb: total(all.filter(([u]) => !LAZY_EXTRAS.test(u))), chartsKb: total(all.filter(([u]) => LAZY_EXTRAS.test(u))), files: all.length });
    }
    await context.close();
  };
  const heading = (name: string) => async (p: Page) => void (await expect(p.getByRole('heading', { name, level: 1 })).toBeVisible());

  await measure({ cookies: [], origins: [] }, [{ label: '/ (signed out)', path: '/', ready: async (p) => void (await expect(p.getByRole('heading', { name: 'Sign in' })).toBeVisible()) }]);
  await measure(
    ADMIN_STATE,
    ROUTES.map((r) => ({
      label: r.path,
      path: r.path,
      // The Overview counts once its charts (or their "nothing yet" notes) are drawn.
      ready: r.path === '/' ? async (p: Page) => void (await expect(p.locator('.chart-grid .chart-card').first()).toBeVisible()) : heading(r.heading),
    })),
  );
  const table = ['route                 first screen (KB gz)   lazy charts (KB gz)   files', ...rows.map((r) => `${r.route.padEnd(22)}${String(r.firstKb).padStart(20)}${String(r.chartsKb || '—').padStart(22)}${String(r.files).padStart(8)}`)].join('\n');
  console.log(`\n${table}\n`);
  await testInfo.attach('bundle-sizes.txt', { body: table, contentType: 'text/plain' });
  for (const r of rows) expect(r.firstKb, `${r.route} first-screen JavaScript, KB gzip`).toBeLessThanOrEqual(BUDGET_KB);
});
