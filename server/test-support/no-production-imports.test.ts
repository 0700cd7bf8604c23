import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Test helpers never ship: no production file under server/ or web/ imports
 * from a `test-support` folder. Tests (`*.test.ts(x)`, `__tests__/`) and
 * test-support itself may.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '__tests__']);

const sourcesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIPPED_DIRS.has(e.name) ? [] : sourcesUnder(join(dir, e.name));
    return /\.(ts|tsx|mts|js|mjs)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [];
  });

/** Every module specifier: static and type imports, re-exports, side-effect and dynamic imports, require(). */
const SPECIFIER = /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const specifiersOf = (text: string): string[] => [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3]!);
const namesTestSupport = (specifier: string) => /(^|[/@])test-support(\/|$)/.test(specifier);

describe('test-support stays out of production code', () => {
  it('recognises every form of import', () => {
    const sample = [
      "import { a } from '../test-support/a';",
      "import type { B } from '../../server/test-support/b';",
      "export { c } from './test-support/c';",
      "import '../test-support/d';",
      "const e = await import('../test-support/e');",
      "const f = require('../test-support/f');",
      'import {\n  g,\n  h,\n} from "../../test-support/g";',
      "import { latest } from './latest-support';",
    ].join('\n');
    expect(specifiersOf(sample).filter(namesTestSupport)).toHaveLength(7);
  });

  it('no non-test file under server/ or web/ imports from test-support', () => {
    const testSupport = join(root, 'server', 'test-support') + sep;
    const files = [...sourcesUnder(join(root, 'server')), ...sourcesUnder(join(root, 'web'))].filter((f) => !f.startsWith(testSupport));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((f) =>
      specifiersOf(readFileSync(f, 'utf8'))
        .filter(namesTestSupport)
        .map((s) => `${relative(root, f).split(sep).join('/')} → ${s}`),
    );
    expect(offenders).toEqual([]);
  });
});
