import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/**
 * The embedded database's buffer pool. PostgreSQL's default (128 MB) is
 * sized for a dedicated server; the embedded one shares a process with the
 * web server, and its WebAssembly heap never shrinks once grown.
 */
export const PGLITE_SHARED_BUFFERS = '32MB';

// Runs in a short-lived child process: argv[1] is PGlite's module URL, argv[2] the folder.
const INIT_SCRIPT = `
const { PGlite } = await import(process.argv[1]);
const pg = new PGlite(process.argv[2]);
await pg.waitReady;
await pg.exec("alter system set shared_buffers = '${PGLITE_SHARED_BUFFERS}'");
await pg.close();
`;

function pgliteModuleUrl(): string {
  // The package exports no package.json; its CommonJS entry sits beside the ES module one.
  const commonJsEntry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return pathToFileURL(join(dirname(commonJsEntry), 'index.js')).href;
}

/**
 * Creates the PostgreSQL cluster in a new PGlite folder in a child process.
 * initdb inside PGlite grows its WebAssembly heap to ~600 MB (measured: a
 * server that ran it kept an RSS of ~850 MB for its whole life); in a child
 * that memory goes back to the system when the child exits, and the server
 * opens a ready folder at ~1/3 of that. Nothing to do for a folder that is
 * already initialised.
 */
export async function initPgliteFolder(pgDir: string): Promise<void> {
  if (existsSync(join(pgDir, 'PG_VERSION'))) return;
  try {
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', INIT_SCRIPT, pgliteModuleUrl(), pgDir], {
      timeout: 120_000,
    });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim() || (e as Error).message;
    throw new Error(`Could not initialise the embedded database in ${pgDir}${stderr ? `: ${stderr.split('\n').slice(-3).join(' ')}` : ''}`);
  }
}
