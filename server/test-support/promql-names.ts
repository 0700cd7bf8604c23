/** PromQL's words that are not series names. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/**
 * The series names a PromQL expression (or a Grafana query) reads: what is
 * left once strings, label matchers, ranges, grouping lists, offsets,
 * Grafana variables and function calls are taken out.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/\$\{?[A-Za-z_]\w*\}?/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\w+/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const name = m[1]!;
    if (m[2] || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** `label_values(metric, label)` and friends in a Grafana variable: the metric they read. */
export function metricNamesInVariable(query: string): string[] {
  const m = /label_values\(\s*([^,)]+)/.exec(query);
  return metricNamesIn(m ? m[1]! : query);
}

/** Every family a Prometheus text exposition declares (`# TYPE`), with its type. */
export function declaredFamilies(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(m[1]!, m[2]!);
  return types;
}

/** Whether `name` is a series of a declared family: a histogram's `_bucket`, `_sum` and `_count` included. */
export function isExposed(families: Map<string, string>, name: string): boolean {
  if (families.has(name)) return true;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!m) return false;
  const type = families.get(m[1]!);
  return type === 'histogram' || (type === 'summary' && m[2] !== 'bucket');
}
