import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Prometheus' own checker, from Debian's `prometheus` package (CI installs
 * it: .ci/run). Missing, the tests that need it fail with how to install it,
 * unless SKIP_PROMTOOL=1 says to skip them on this machine.
 */
export const PROMTOOL_SKIPPED = process.env.SKIP_PROMTOOL === '1';

export function promtoolPath(): string {
  const found = [process.env.PROMTOOL, '/usr/bin/promtool', ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'promtool'))].find(
    (p): p is string => !!p && existsSync(p),
  );
  if (!found) {
    throw new Error(
      'promtool is not installed: apt-get install -y prometheus (Debian\'s package; .ci/run installs it), or set PROMTOOL to its path. SKIP_PROMTOOL=1 skips these tests.',
    );
  }
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
