import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Prometheus' own checker, from Debian's `prometheus` package; no npm
 * package ships it. CI installs it (.ci/run), and there (CI set) a missing
 * promtool fails the tests that need it, with how to install it. On a
 * developer's machine without it those tests are skipped with a warning, so
 * that `npm install && npm test` needs nothing else; SKIP_PROMTOOL=1 skips
 * them anywhere.
 */
function findPromtool(): string | undefined {
  return [process.env.PROMTOOL, '/usr/bin/promtool', ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'promtool'))].find(
    (p): p is string => !!p && existsSync(p),
  );
}

const MISSING = 'promtool is not installed: apt-get install -y prometheus (Debian\'s package; .ci/run installs it), or set PROMTOOL to its path.';

export const PROMTOOL_SKIPPED = process.env.SKIP_PROMTOOL === '1' || (!process.env.CI && !findPromtool());
if (PROMTOOL_SKIPPED && process.env.SKIP_PROMTOOL !== '1') console.warn(`Skipping the promtool checks here: ${MISSING}`);

export function promtoolPath(): string {
  const found = findPromtool();
  if (!found) throw new Error(`${MISSING} SKIP_PROMTOOL=1 skips these tests.`);
  return found;
}

export interface PromtoolResult {
  status: number | null;
  /** stdout and stderr together, as promtool prints its findings on either. */
  output: string;
}

export function promtool(args: string[], o: { input?: string; cwd?: string } = {}): PromtoolResult {
  const r = spawnSync(promtoolPath(), args, { input: o.input, cwd: o.cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
