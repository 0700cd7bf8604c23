import { expect, type Page, test } from '@playwright/test';
import { ADMIN, ADMIN_STATE } from './support/accounts';
import { openDialog, type Seed, seedViews, settle, VIEWS } from './support/a11y-views';

/*
 * The keyboard, on every view in e2e/support/a11y-views.ts: Tab reaches
 * every control on the screen, each shows a focus ring it does not have
 * unfocused; in every dialog, Tab and Shift+Tab stay inside, Escape closes
 * it and focus is back on the button that opened it.
 */

/** Every visible, enabled control, numbered, with its look when not focused. */
async function markControls(page: Page): Promise<number> {
  return page.evaluate(() => {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    // With a dialog open, the page behind is inert: only the dialog's controls count.
    const root = document.querySelector('dialog[open]') ?? document;
    const controls = [...root.querySelectorAll<HTMLElement>(selector)].filter(
      (el) => !(el as HTMLButtonElement).disabled && el.tabIndex >= 0 && el.checkVisibility({ visibilityProperty: true }) && !el.closest('[inert]'),
    );
    (document.activeElement as HTMLElement | null)?.blur();
    controls.forEach((el, i) => {
      const c = getComputedStyle(el);
      el.dataset.kbIndex = String(i);
      el.dataset.kbRest = [c.outlineStyle, c.outlineWidth, c.outlineColor, c.boxShadow, c.borderColor].join('|');
    });
    return controls.length;
  });
}

/** What has focus now: its number, whether it looks different from unfocused, and a name for the message. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const c = getComputedStyle(el);
    const look = [c.outlineStyle, c.outlineWidth, c.outlineColor, c.boxShadow, c.borderColor].join('|');
    const ring = (c.outlineStyle !== 'none' && parseFloat(c.outlineWidth) >= 2) || c.boxShadow !== 'none';
    return {
      index: el.dataset.kbIndex === undefined ? null : Number(el.dataset.kbIndex),
      ring: ring && look !== el.dataset.kbRest,
      name: `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`,
    };
  });
}

/** Tabs through the whole page once; returns the problems found. */
async function tabThrough(page: Page, view: string): Promise<string[]> {
  const total = await markControls(page);
  const reached = new Set<number>();
  const problems: string[] = [];
  // A date-time field takes a stop per part (day, month, year, hours, minutes): room for them.
  for (let i = 0; i < total * 4 + 10; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (!f) continue;
    if (f.index !== null) reached.add(f.index);
    if (!f.ring) problems.push(`${view}: ${f.name} has no visible focus ring`);
    if (reached.size === total) break;
  }
  if (reached.size < total) {
    const missed = await page.evaluate((got) => [...document.querySelectorAll<HTMLElement>('[data-kb-index]')].filter((el) => !got.includes(Number(el.dataset.kbIndex))).map((el) => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`), [...reached]);
    // Rows a live update re-rendered meanwhile have lost their number: only controls still numbered count.
    if (missed.length) problems.push(`${view}: Tab never reached ${missed.join(', ')}`);
  }
  return [...new Set(problems)];
}

let seed: Seed;
test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext({ storageState: ADMIN_STATE });
  seed = await seedViews(await context.newPage());
  await context.close();
});

test('every control on every screen is reached by Tab and shows a focus ring', async ({ page }) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  for (const v of VIEWS.filter((x) => !x.dialog && !x.before)) {
    await page.goto(v.path(seed));
    await settle(page);
    await v.open?.(page);
    problems.push(...(await tabThrough(page, v.name)));
  }
  expect(problems, problems.join('\n')).toEqual([]);
});

test('every dialog traps focus, shows focus rings, closes on Escape and gives focus back to its opener', async ({ page }) => {
  test.setTimeout(180_000);
  const problems: string[] = [];
  for (const v of VIEWS.filter((x) => x.dialog)) {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await v.before?.(page);
    await page.goto(v.path(seed));
    await settle(page);
    const dialog = await openDialog(page, v.dialog!);
    // Focus starts inside, and neither Tab nor Shift+Tab leaves.
    const inside = () => dialog.evaluate((d) => d.contains(document.activeElement));
    expect(await inside(), `${v.name}: focus moves into the dialog`).toBe(true);
    problems.push(...(await tabThrough(page, v.name)));
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press(key);
        if (!(await inside())) {
          problems.push(`${v.name}: ${key} left the dialog`);
          break;
        }
      }
    }
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('button', { name: v.dialog!.opener, exact: true }), `${v.name}: focus back on the opener`).toBeFocused();
  }
  expect(problems, problems.join('\n')).toEqual([]);
});

test('the sign-in form is used from the keyboard alone', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/');
  // The email field has focus as the page opens; Tab to the password and the button, Enter signs in.
  await expect(page.getByLabel('Email')).toBeFocused();
  await page.keyboard.type(ADMIN.email);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  // The skip link is the first stop and moves focus to the content.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: /skip/i });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
  await context.close();
});
