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

const builds = [
  stale('dist/web/index.html', ['web', 'server/contracts']) && 'build:web',
  stale('dist/server/main.js', ['server']) && 'build:server',
].filter(Boolean);
// The build tools are devDependencies: a production install (npm ci --omit=dev) runs what is built.
if (builds.length > 0 && !existsSync('node_modules/vite')) {
  console.error('dist/ is missing or older than its sources, and the build tools (devDependencies) are not installed: run npm install first');
  process.exit(1);
}
for (const script of builds) execSync(`npm run ${script}`, { stdio: 'inherit' });
