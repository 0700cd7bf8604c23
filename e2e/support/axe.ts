import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

/** One axe rule broken on one screen: how bad, how many nodes, and the first few of them. */
export interface Finding {
  screen: string;
  rule: string;
  impact: string;
  nodes: number;
  help: string;
  targets: string[];
}

const BLOCKING = new Set(['serious', 'critical']);

/**
 * Every axe rule (WCAG 2.0/2.1 A and AA and axe's best practices) over the
 * whole page, open dialogs included; only serious and critical violations
 * are returned, which is what the console holds to zero.
 */
export async function axeFindings(page: Page, screen: string): Promise<Finding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => ({
      screen,
      rule: v.id,
      impact: v.impact ?? '',
      nodes: v.nodes.length,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.split('\n').slice(1, 2).join('').trim()}` : ''}`),
    }));
}

/** A readable list: one line per screen and rule, then the first nodes. */
export function formatFindings(findings: Finding[]): string {
  if (findings.length === 0) return 'no serious or critical axe violations';
  return findings
    .map((f) => [`${f.screen}: ${f.rule} (${f.impact}, ${f.nodes} node${f.nodes === 1 ? '' : 's'}) — ${f.help}`, ...f.targets.map((t) => `    ${t}`)].join('\n'))
    .join('\n');
}

/** For a journey: the page as it stands now has no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string, testInfo?: TestInfo): Promise<void> {
  const findings = await axeFindings(page, screen);
  if (findings.length && testInfo) await testInfo.attach(`axe-${screen}.txt`, { body: formatFindings(findings), contentType: 'text/plain' });
  expect(findings, formatFindings(findings)).toEqual([]);
}
