import { expect, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible } from './axe';

/**
 * A screenshot of a screen (the whole page, or the viewport for a dialog), kept as an artefact
 * (test-results/screens/<name>.png) and attached to the report; and an axe scan of the page
 * as it stands (e2e/support/axe.ts): every journey's screens and dialogs hold to 0 serious or
 * critical violations where they are pictured.
 */
export async function saveScreen(page: Page, testInfo: TestInfo, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<void> {
  // Let relative times and live indicators settle, and fonts render.
  await page.evaluate(() => document.fonts.ready);
  if (fullPage) {
    // Charts are drawn as they near the viewport: pass over the whole page first, so the picture has them all.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect(page.locator('.chart-pending')).toHaveCount(0);
    await page.evaluate(() => window.scrollTo(0, 0));
  }
  const path = `test-results/screens/${name}.png`;
  await page.screenshot({ path, fullPage });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  await expectAccessible(page, name, testInfo);
}
