import { collectDefaultMetrics, Registry } from 'prom-client';

/** The families prom-client's default metrics declare (process_*, nodejs_*): not the project's to name. */
export async function defaultMetricFamilies(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
  registry.clear();
  return new Set(names);
}

/** The family a line of Prometheus text belongs to (a histogram's `_bucket`/`_sum`/`_count` lines to the histogram). */
export function familyOfLine(line: string, families: Set<string>): string | undefined {
  const name = /^(?:# (?:HELP|TYPE) )?([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)?.[1];
  if (!name) return undefined;
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return families.has(base) ? base : name;
}

/** The exposition without the families in `drop`. */
export function withoutFamilies(text: string, drop: Set<string>): string {
  return text
    .split('\n')
    .filter((line) => {
      const family = familyOfLine(line, drop);
      return !(family && drop.has(family));
    })
    .join('\n');
}
