/**
 * `.env` support, run by the entry points (main.ts, check-config-cli.ts)
 * just before loadConfig: the variables of an env file are copied into the
 * environment, except those the real environment already has (blank ones
 * included). The real environment always wins, as with `node --env-file`.
 *
 * The file is `.env` in the working directory, skipped when there is none;
 * `ENV_FILE` names another one (which must then exist; `/dev/null` turns
 * the file off, which is how tests keep a developer's own `.env` out of
 * the servers they start). The syntax is Node's own (util.parseEnv, the
 * parser of `--env-file`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config';

export interface EnvFileLoaded {
  /** Absolute path of the file read; undefined when there was none. */
  file: string | undefined;
  /** Names taken from the file (never their values: several are secrets). */
  variables: string[];
}

export function loadEnvFile(env: Record<string, string | undefined>, cwd: string): EnvFileLoaded {
  const named = env.ENV_FILE?.trim() ?? '';
  const file = resolve(cwd, named === '' ? '.env' : named);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (named === '' && code === 'ENOENT') return { file: undefined, variables: [] };
    throw new ConfigError([{ variable: 'ENV_FILE', ok: false, message: `cannot read ${file} (${code ?? 'error'})` }]);
  }
  const variables: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value === undefined || env[name] !== undefined) continue;
    env[name] = value;
    variables.push(name);
  }
  return { file, variables };
}
