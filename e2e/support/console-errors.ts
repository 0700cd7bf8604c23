import type { Page } from '@playwright/test';

/** Errors the page logs or throws while a journey runs (React key warnings, failed renders): the journey ends expecting none. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}
