import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The console's structure rules, checked on every test run:
 * features never import each other; web/ takes from the server only
 * `type AppRouter` and the shared contracts (as `@contracts/…`); kebab-case
 * names, no barrels.
 */
const src = dirname(fileURLToPath(import.meta.url));
const root = resolve(src, '../..');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
const sources = files(src);
const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm;

// The path alias of tsconfig.json and vite.config.ts, resolved the same way here so that the rules see through it.
const CONTRACTS_ALIAS = '@contracts/';
const contracts = join(root, 'server', 'contracts');
const targetOf = (file: string, spec: string) =>
  spec.startsWith('.') ? resolve(dirname(file), spec) : spec.startsWith(CONTRACTS_ALIAS) ? resolve(contracts, spec.slice(CONTRACTS_ALIAS.length)) : null;

function importsOf(file: string) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({ typeOnly: Boolean(m[2]), spec: m[3]!, target: targetOf(file, m[3]!) }));
}
const featureOf = (path: string) => /[/\\]features[/\\]([^/\\]+)/.exec(relative(root, path))?.[1] ?? null;

describe('web/ structure', () => {
  it('has no imports between features', () => {
    const crossings = sources.flatMap((f) =>
      importsOf(f)
        .filter((i) => i.target && featureOf(f) && featureOf(i.target) && featureOf(i.target) !== featureOf(f))
        .map((i) => `${relative(root, f)} → ${i.spec}`),
    );
    expect(crossings).toEqual([]);
  });

  it('imports from the server only type AppRouter and the shared contracts', () => {
    const serverDir = join(root, 'server') + sep;
    const bad = sources.flatMap((f) =>
      importsOf(f)
        .filter((i) => i.target?.startsWith(serverDir))
        .filter((i) => {
          const rel = relative(root, i.target!).split(sep).join('/');
          if (rel.startsWith('server/contracts/')) return false;
          return !(rel === 'server/trpc/app-router' && i.typeOnly);
        })
        .map((i) => `${relative(root, f)} → ${i.spec}`),
    );
    expect(bad).toEqual([]);
  });

  it('names the shared contracts by their alias, never by a relative path', () => {
    const relativeContracts = sources.flatMap((f) =>
      importsOf(f)
        .filter((i) => i.spec.startsWith('.') && i.target && (i.target + sep).startsWith(contracts + sep))
        .map((i) => `${relative(root, f)} → ${i.spec}`),
    );
    expect(relativeContracts).toEqual([]);
  });

  it('names files in kebab-case, without barrel files', () => {
    const names = sources.map((f) => relative(src, f));
    expect(names.filter((n) => !/^[a-z0-9-]+(\.test)?\.tsx?$/.test(n.split(sep).at(-1)!))).toEqual([]);
    expect(names.filter((n) => /(^|[/\\])index\.tsx?$/.test(n))).toEqual([]);
  });
});
