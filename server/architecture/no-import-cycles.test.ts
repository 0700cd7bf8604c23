import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../paths';

/**
 * What runs, read from where it is declared so that a rename cannot leave
 * it out: every server file a package.json script names (the server, the
 * configuration check, the migrator), and the console's entry in
 * web/index.html.
 */
function entryPoints(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const server = Object.values(scripts).flatMap((s) => s.match(/(?<![\w/.-])server\/[\w/.-]+\.ts\b/g) ?? []);
  const html = readFileSync(join(projectRoot, 'web', 'index.html'), 'utf8');
  const web = [...html.matchAll(/<script\b[^>]*\bsrc="\/([^"]+)"/g)].map((m) => `web/${m[1]}`);
  return [...new Set([...server, ...web])].sort();
}

const ENTRIES = entryPoints();
/** And everything else there, tests and their helpers included, reachable from an entry or not. */
const EVERYTHING = ['server/**/*.ts', 'web/src/**/*.{ts,tsx}'];

interface Cycle {
  /** Each file imports the next; the last imports the first. */
  files: string[];
  /** false: one of its imports at least is an `import type`, which TypeScript erases, so at run time there is no cycle. */
  atRunTime: boolean;
}

/** One cycle, whichever file the search entered it by. */
function normalise(cycle: readonly string[]): string {
  const first = cycle.indexOf([...cycle].sort()[0]!);
  return [...cycle.slice(first), ...cycle.slice(0, first)].join(' -> ');
}

async function cyclesOf(root: string, patterns: string[], tsconfig?: string): Promise<{ parsed: string[]; cycles: Cycle[] }> {
  const parse = (transform: boolean) =>
    parseDependencyTree(patterns, { cwd: root, context: root, tsconfig, transform, skipDynamicImports: false });
  // `transform: false` keeps the `import type` edges, which dpdm's -T would drop (see below).
  const tree = await parse(false);
  const found = parseCircular(tree);
  // Only when there is something to report: which cycles still hold with types erased (the slower pass).
  const atRunTime = found.length === 0 ? new Set<string>() : new Set(parseCircular(await parse(true)).map(normalise));
  return { parsed: Object.keys(tree), cycles: found.map((files) => ({ files, atRunTime: atRunTime.has(normalise(files)) })) };
}

const describeCycles = (cycles: Cycle[]) =>
  cycles.map((c, i) => `${i + 1}) ${[...c.files, c.files[0]].join(' -> ')}   [${c.atRunTime ? 'at run time' : 'type imports only'}]`).join('\n');

/*
 * Type-only imports count. A cycle made only of `import type` is harmless at
 * run time (TypeScript erases those imports, so no module can see another
 * half-initialised), and dpdm's -T would be enough to rule that out. It is
 * not enough for DESIGN.md's "no import cycles": the cycles this test was
 * written after (config ↔ config-checks, Ctx ↔ DatabaseHealth) were
 * type-only, and a service whose type names the Ctx it is itself part of is
 * the coupling that rule is there to prevent. The report says which kind
 * each cycle is.
 */
describe('import graph', () => {
  const fixture = mkdtempSync(join(tmpdir(), 'import-cycles-'));
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it('finds a type-only cycle as well as a run-time one, and tells them apart (the check checked)', async () => {
    const files: Record<string, string> = {
      'main.ts': "import { a } from './a';\nimport { c } from './c';\nexport const main = [a, c];\n",
      'a.ts': "import type { B } from './b';\nexport const a = 1;\nexport type A = B;\n",
      'b.ts': "import type { A } from './a';\nexport type B = A | number;\n",
      'c.ts': "import { d } from './d';\nexport const c = () => d;\n",
      'd.ts': "import { c } from './c';\nexport const d = () => c;\n",
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(fixture, name), text);
    const { cycles } = await cyclesOf(fixture, ['main.ts']);
    expect(cycles.map((c) => ({ files: normalise(c.files), atRunTime: c.atRunTime })).sort((x, y) => x.files.localeCompare(y.files))).toEqual([
      { files: 'a.ts -> b.ts', atRunTime: false },
      { files: 'c.ts -> d.ts', atRunTime: true },
    ]);
  });

  it('finds the entry points, and each exists', () => {
    expect(ENTRIES).toEqual(expect.arrayContaining(['server/main.ts', 'server/db/migrate-cli.ts', 'web/src/main.tsx']));
    for (const entry of ENTRIES) expect(existsSync(join(projectRoot, entry)), entry).toBe(true);
  });

  it('has no import cycle under server/ or web/src/, type-only imports included', { timeout: 60_000 }, async () => {
    // tsconfig.json: the console's `@contracts/*` alias.
    const { parsed, cycles } = await cyclesOf(projectRoot, [...ENTRIES, ...EVERYTHING], join(projectRoot, 'tsconfig.json'));
    expect(parsed).toEqual(expect.arrayContaining(ENTRIES));
    const report = describeCycles(cycles);
    expect(report, `import cycles:\n${report}`).toBe('');
  });
});
