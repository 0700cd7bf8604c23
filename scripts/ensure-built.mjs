// `npm start` builds what is not built yet (or is older than its sources), then the server starts.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const newest = (dir) => {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};
const stale = (output, sources) =>
  !existsSync(output) || sources.some((s) => existsSync(s) && newest(s) > statSync(output).mtimeMs);

if (stale('dist/web/index.html', ['web', 'server/contracts'])) execSync('npm run build:web', { stdio: 'inherit' });
if (stale('dist/server/main.js', ['server'])) execSync('npm run build:server', { stdio: 'inherit' });
