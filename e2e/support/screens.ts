import type { Page, TestInfo } from '@playwright/test';

/**
 * A full-page screenshot of a screen, kept as an artefact
 * (test-results/screens/<name>.png) and attached to the report.
 */
export async function saveScreen(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // Let relative times and live indicators settle, and fonts render.
  await page.evaluate(() => document.fonts.ready);
  const path = `test-results/screens/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
