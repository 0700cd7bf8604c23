/**
 * Finds what PostgreSQL's jsonb would refuse (a NUL character, a lone UTF-16
 * surrogate, a number beyond double range) or what we refuse ourselves
 * (nesting deeper than 64), so that such a body is a clean 400 before it
 * reaches the database instead of a failed insert.
 */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textHazard(s: string): string | null {
  if (s.includes('\u0000')) return 'contains \\u0000, which PostgreSQL cannot store';
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate, which PostgreSQL cannot store';
  return null;
}

/**
 * `rawText` is the body the value was parsed from, when there is one: NUL and
 * lone surrogates can only come from `\u` escapes (valid UTF-8 cannot carry
 * them), so strings are inspected only when the text has one. Without it
 * (a value that did not come from JSON text here), every string is.
 */
export function findJsonbHazard(value: unknown, rawText?: string): string | null {
  const checkText = rawText === undefined || rawText.includes('\\u');
  const walk = (v: unknown, path: string, depth: number): string | null => {
    if (typeof v === 'string') {
      const h = checkText ? textHazard(v) : null;
      return h && `${path}: ${h}`;
    }
    if (typeof v === 'number') {
      return Number.isFinite(v) ? null : `${path}: number is out of range`;
    }
    if (v === null || typeof v !== 'object') return null;
    if (depth >= MAX_JSON_DEPTH) return `${path}: nesting is deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const h = walk(v[i], `${path}[${i}]`, depth + 1);
        if (h) return h;
      }
      return null;
    }
    for (const key of Object.keys(v)) {
      const kh = checkText ? textHazard(key) : null;
      if (kh) return `${path}: a key ${kh}`;
      const h = walk((v as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
      if (h) return h;
    }
    return null;
  };
  return walk(value, 'body', 0);
}
