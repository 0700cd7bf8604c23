import { readFile } from 'node:fs/promises';
import { parseEnv as parseEnvFile } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config/config';
import { ENV_VARIABLES, parseEnv } from '../server/config/env-schema';
import { ENV_EXAMPLE_FILE, envExampleText } from './env-example';

const committed = await readFile(new URL(`../${ENV_EXAMPLE_FILE}`, import.meta.url), 'utf8');
/** The file as the server reads it: comments are comments. */
const asRead = parseEnvFile(committed) as Record<string, string>;
/** Its variable lines: `NAME=` and `# NAME=value`. */
const assignments = [...committed.matchAll(/^(# )?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, commented, name, value]) => ({
  commented: Boolean(commented),
  name: name!,
  value: value!,
}));

describe(ENV_EXAMPLE_FILE, () => {
  it('is what the configuration schema says now', () => {
    expect(committed, `${ENV_EXAMPLE_FILE} is stale: run npm run generate:env-example`).toBe(envExampleText());
  });

  it('has one line for every variable of the schema, in its order', () => {
    const schemaLines = assignments.map((a) => a.name).filter((name) => (ENV_VARIABLES as string[]).includes(name));
    expect(schemaLines).toEqual(ENV_VARIABLES);
  });

  it('copied as it is to .env, changes nothing in development', () => {
    expect(Object.values(asRead).every((v) => v === '')).toBe(true);
    expect(parseEnv(asRead)).toEqual(parseEnv({}));
  });

  it('in production, the server refuses exactly the variables it marks REQUIRED until they are filled in', () => {
    const marked = [...committed.matchAll(/^# (\w+): .*\n# {3}development: .*\n# {3}production: {2}REQUIRED/gm)].map((m) => m[1]);
    expect(marked.length).toBeGreaterThan(5);
    expect(assignments.filter((a) => !a.commented && marked.includes(a.name)).map((a) => a.name)).toEqual(marked);
    let refused: string[] = [];
    try {
      loadConfig({ ...asRead, NODE_ENV: 'production' }, { persistDevSecrets: false });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      refused = e.failures.map((f) => f.variable);
    }
    expect(refused).toEqual(marked);
  });

  it("its commented-out values, uncommented, are each variable's default", () => {
    const shown = Object.fromEntries(assignments.filter((a) => a.commented).map((a) => [a.name, a.value]));
    expect(Object.keys(shown).length).toBeGreaterThan(10);
    const parsed = parseEnv(shown);
    expect(parsed.malformed).toEqual(new Map());
    expect(parsed.values).toEqual(parseEnv({}).values);
  });
});
