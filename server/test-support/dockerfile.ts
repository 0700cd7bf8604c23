import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../server/paths';

/** One instruction of a Dockerfile: its keyword, its `--flag=value` options, and the rest. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string;
}

export interface Stage {
  name: string;
  steps: Instruction[];
}

/**
 * The stages of a Dockerfile, enough of its syntax for this project's own
 * (comments, `\` continuations, leading `--flag=value` options, `FROM x AS
 * name`); not a general parser.
 */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    let args = rest;
    const flags: Record<string, string> = {};
    for (let m = /^--([\w-]+)=(\S+)\s*/.exec(args); m; m = /^--([\w-]+)=(\S+)\s*/.exec(args)) {
      flags[m[1]!] = m[2]!;
      args = args.slice(m[0].length);
    }
    const instruction = { keyword: keyword.toUpperCase(), flags, args };
    if (instruction.keyword === 'FROM') {
      stages.push({ name: /\s+AS\s+(\S+)$/i.exec(args)?.[1] ?? String(stages.length), steps: [instruction] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile: ${line} before any FROM`);
      stages.at(-1)!.steps.push(instruction);
    }
  }
  return stages;
}

export function readProjectDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8'));
}

/** `KEY=value KEY2=value2` of an ENV line (values without spaces or quotes, as this Dockerfile writes them). */
export function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const token of args.split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq <= 0) throw new Error(`ENV ${args}: only KEY=value pairs are understood`);
    pairs[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return pairs;
}

/** The JSON array of an exec-form CMD (or of HEALTHCHECK's CMD, after its options). */
export function execForm(args: string): string[] {
  const json = args.replace(/^CMD\s+/, '');
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed;
}

/** The last WORKDIR of a stage: where its relative paths point. */
export function workdirOf(stage: Stage): string {
  const workdir = stage.steps.filter((s) => s.keyword === 'WORKDIR').at(-1)?.args;
  if (!workdir) throw new Error(`stage ${stage.name} sets no WORKDIR`);
  return workdir;
}
