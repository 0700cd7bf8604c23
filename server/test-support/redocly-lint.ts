/**
 * Redocly CLI's linter (@redocly/cli 2.77.0) over an OpenAPI document, for tests:
 * `redocly lint --extends recommended --format json --max-problems 100000 <file>`.
 *
 * No redocly.yaml is needed: `--extends recommended` picks the built-in
 * ruleset (a redocly.yaml in the working directory would still be read for
 * anything it says besides `extends`: the CLI runs in the document's folder,
 * a fresh temporary one for a document object). The CLI prints a Node 20
 * deprecation box and a summary on stderr, and exits 1 when there is an
 * error: the JSON report on stdout is what counts. Telemetry and the update
 * check (both network calls) are turned off by environment variables.
 * `--max-problems` is raised: its default (100) would silently cut the list.
 *
 * In `recommended` (2.77.0, OpenAPI 3.1) the rules that are errors are:
 * struct, no-unresolved-refs, no-empty-servers, no-enum-type-mismatch,
 * no-example-value-and-externalValue, no-identical-paths, no-path-trailing-slash,
 * no-schema-type-mismatch, no-server-trailing-slash, no-server-variables-empty-enum,
 * no-undefined-server-variable, operation-operationId-unique,
 * operation-operationId-url-safe, operation-parameters-unique, operation-summary,
 * path-declaration-must-exist, path-not-include-query, path-parameters-defined,
 * security-defined, spec-components-invalid-map-name. Warnings: info-license,
 * info-license-strict, no-ambiguous-paths, no-duplicated-enum-values,
 * no-duplicated-tag-names, no-illogical-composition-keywords,
 * no-invalid-media-type-examples, no-invalid-parameter-examples,
 * no-invalid-schema-examples, no-mixed-number-range-constraints,
 * no-required-schema-properties-undefined, no-server-example.com,
 * no-unsafe-markdown, no-unused-components, operation-2xx-response,
 * operation-4xx-response, operation-operationId, security-scopes-defined,
 * spec-ref-siblings, tag-description. Everything else is off
 * (operation-tag-defined, operation-description, parameter-description, …).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REDOCLY_CLI = fileURLToPath(new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url));

export interface RedoclyProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  /** The JSON pointer of the first location, e.g. `#/paths/~1api~1health/get/responses`. */
  pointer: string;
  location: { source: { ref: string }; pointer: string; reportOnKey?: boolean; start?: { line: number; col: number }; end?: { line: number; col: number } }[];
  reference?: string;
}

export interface RedoclyLintResult {
  errors: number;
  warnings: number;
  problems: RedoclyProblem[];
  /** `ruleId` → how many problems, errors and warnings apart: `{ 'operation-4xx-response': { error: 0, warn: 8 } }`. */
  byRule: Record<string, { error: number; warn: number }>;
}

export interface RedoclyLintOptions {
  /** Rulesets for `--extends` (default `['recommended']`). */
  extends?: string[];
  /** Rules for `--skip-rule`. */
  skipRules?: string[];
  timeoutMs?: number;
}

/** Lints a document file, or a document object (written to a temporary file). */
export async function redoclyLint(document: string | object, opts: RedoclyLintOptions = {}): Promise<RedoclyLintResult> {
  let tempDir: string | undefined;
  let file: string;
  if (typeof document === 'string') {
    file = resolve(document);
  } else {
    tempDir = await mkdtemp(join(tmpdir(), 'redocly-lint-'));
    file = join(tempDir, 'openapi.json');
    await writeFile(file, JSON.stringify(document, null, 2));
  }
  try {
    const args = [REDOCLY_CLI, 'lint', file, '--format', 'json', '--max-problems', '100000', '--lint-config', 'off'];
    for (const e of opts.extends ?? ['recommended']) args.push('--extends', e);
    for (const r of opts.skipRules ?? []) args.push('--skip-rule', r);
    const { code, stdout, stderr } = await run(args, dirname(file), opts.timeoutMs ?? 60_000);
    const start = stdout.indexOf('{');
    if (start < 0) throw new Error(`redocly lint printed no JSON report (exit ${code}):\n${stderr.slice(-4_000)}`);
    const report = JSON.parse(stdout.slice(start)) as {
      totals: { errors: number; warnings: number };
      problems: (Omit<RedoclyProblem, 'pointer'> & { pointer?: string })[];
    };
    const problems = report.problems.map((p) => ({ ...p, pointer: p.location[0]?.pointer ?? '' }));
    const byRule: RedoclyLintResult['byRule'] = {};
    for (const p of problems) {
      byRule[p.ruleId] ??= { error: 0, warn: 0 };
      byRule[p.ruleId]![p.severity === 'error' ? 'error' : 'warn']++;
    }
    return { errors: report.totals.errors, warnings: report.totals.warnings, problems, byRule };
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

function run(args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redocly lint did not finish within ${timeoutMs} ms:\n${stderr.slice(-4_000)}`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
