import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Which Chromium the browser journeys drive, in this order:
 * 1. `CHROMIUM_PATH`, when set (it must exist: a typo should not silently test another browser);
 * 2. the Chromium shipped inside the `@sparticuz/chromium` npm package, so that a fresh
 *    machine needs nothing but `npm install` (browsers cannot be downloaded here, and a
 *    system package needs apt and root);
 * 3. a system Chromium or Chrome that starts (`--version` answers).
 *
 * The package holds the browser brotli-compressed (64 MB); unpacked it is about 200 MB and
 * takes a second or two. It is unpacked once per package version into the user's cache
 * folder (`$XDG_CACHE_HOME` or `~/.cache`), outside node_modules, so `npm ci` does not
 * throw it away.
 */
export interface ChromiumChoice {
  path: string;
  source: 'CHROMIUM_PATH' | 'npm package' | 'system';
  /** For the npm package: the package's folder of compressed files, until unpacked. */
  packed?: { binDir: string; version: string };
}

export interface FindChromiumEnv {
  CHROMIUM_PATH?: string;
  XDG_CACHE_HOME?: string;
  HOME?: string;
}

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const PACKAGE = '@sparticuz/chromium';

export function findChromium(env: FindChromiumEnv = process.env, opts: { systemCandidates?: string[]; packageDir?: string | null } = {}): ChromiumChoice {
  if (env.CHROMIUM_PATH) {
    if (!existsSync(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH is set to ${env.CHROMIUM_PATH}, which does not exist.`);
    return { path: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  }
  const packageDir = opts.packageDir === undefined ? installedPackageDir() : opts.packageDir;
  if (packageDir) {
    const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    return { path: join(cacheRoot(env), `chromium-${version}`, 'chromium'), source: 'npm package', packed: { binDir: join(packageDir, 'bin'), version } };
  }
  const system = (opts.systemCandidates ?? SYSTEM_CANDIDATES).find(starts);
  if (system) return { path: system, source: 'system' };
  throw new Error(
    `No Chromium found: install the devDependencies (npm install brings ${PACKAGE}), or set CHROMIUM_PATH to a Chromium or Chrome binary (looked at ${SYSTEM_CANDIDATES.join(', ')}).`,
  );
}

/**
 * Unpacks the npm package's Chromium into its cache folder unless it is there already.
 * It unpacks into a fresh sibling folder and renames it into place, so that an interrupted
 * run or two runs at once never leave a half-written browser behind.
 */
export async function ensureChromium(choice: ChromiumChoice): Promise<string> {
  if (!choice.packed || existsSync(choice.path)) return choice.path;
  const target = dirname(choice.path);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.unpacking-`);
  // The package unpacks into os.tmpdir(), which reads TMPDIR on every call.
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    const { default: chromium } = (await import(PACKAGE)) as { default: { executablePath(input?: string): Promise<string> } };
    await chromium.executablePath(choice.packed.binDir);
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  try {
    renameSync(staging, target);
  } catch (e) {
    // Another run finished first: keep its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(choice.path)) throw e;
  }
  return choice.path;
}

function installedPackageDir(): string | null {
  try {
    // Its `exports` hide package.json: climb from the entry point (build/cjs/index.cjs).
    return join(dirname(createRequire(import.meta.url).resolve(PACKAGE)), '..', '..');
  } catch {
    return null;
  }
}

function cacheRoot(env: FindChromiumEnv): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'opal-force-sync');
}

/** A binary that is there but cannot start (a broken system package) is passed over. */
function starts(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    execFileSync(path, ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
