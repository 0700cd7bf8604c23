/**
 * The container image, without Docker (it cannot run on these machines): the
 * runtime stage of the Dockerfile is read and its steps followed in a fresh
 * folder standing for the image's WORKDIR. Its COPY lines are what get copied
 * (from the checkout, or for `--from=build` from the checkout after the build
 * stage's `npm run build`), its `npm` RUN lines are run there, its ENV is the
 * process environment, its CMD starts the server. A file the server needs at
 * run time that the Dockerfile does not copy, or a devDependency the bundle
 * imports, fails here. The deployer's variables come from a `.env` in that
 * folder, as a mounted file would, with the run's own variables over it.
 */
import { type ChildProcess, execFileSync, execSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import pkg from '../package.json' with { type: 'json' };
import { COMPOSE_VARIABLES } from './env-example';
import { ENV_VARIABLES } from '../server/config/env-schema';
import { migrationsFolder, projectRoot } from '../server/paths';
import { freePort } from '../server/test-support/free-port';
import { createPostgresDatabase } from '../server/test-support/test-database';
import { SECRETS } from '../server/test-support/test-envs';
import { envPairs, execForm, type Instruction, readProjectDockerfile, workdirOf } from '../server/test-support/dockerfile';

const stages = readProjectDockerfile();
const buildStage = stages.find((s) => s.name === 'build')!;
const runtime = stages.at(-1)!;
const only = (keyword: string) => runtime.steps.filter((s) => s.keyword === keyword);
const compose = parseYaml(readFileSync(join(projectRoot, 'compose.yaml'), 'utf8')) as ComposeFile;

interface ComposeService {
  image?: string;
  build?: string;
  env_file?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
interface PackageManifest {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** A healthcheck's command (`CMD node -e …`), run here as the container would, against `port`. */
function runHealthcheck(command: string[], port: number): { status: number | null; output: string } {
  const [program, ...args] = command[0] === 'CMD' ? command.slice(1) : command;
  expect(program).toBe('node');
  const r = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('the image and compose.yaml, as written', () => {
  it("runtime stage: NODE_ENV=production, a non-root user, node itself as the command, a liveness HEALTHCHECK", () => {
    expect(runtime.name).toBe('runtime');
    const env = Object.assign({}, ...only('ENV').map((s) => envPairs(s.args))) as Record<string, string>;
    expect(env.NODE_ENV).toBe('production');
    expect(only('USER').at(-1)?.args).toBe('node');
    expect(execForm(only('CMD').at(-1)!.args)).toEqual(['node', '--max-semi-space-size=32', 'dist/server/main.js']);
    expect(execForm(only('HEALTHCHECK').at(-1)!.args).join(' ')).toContain('/api/health/live');
    // The build stage installs everything and builds; the runtime stage only copies its dist/.
    expect(buildStage.steps.map((s) => s.args)).toEqual(expect.arrayContaining(['npm run build']));
    expect(only('COPY').filter((s) => s.flags.from).map((s) => s.args)).toEqual([`${workdirOf(buildStage)}/dist ./dist`]);
  });

  it('compose.yaml: PostgreSQL 16 on a named volume, the app waits for it to be healthy, reads .env and probes readiness', () => {
    const { app, db } = compose.services;
    expect(db?.image).toBe('postgres:16');
    const volume = db?.volumes?.[0]?.split(':')[0] ?? '';
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    expect(db?.healthcheck?.test).toEqual(expect.arrayContaining(['pg_isready']));
    expect(app?.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(app?.env_file).toBe('.env');
    expect(app?.environment?.NODE_ENV).toBe('production');
    expect(app?.healthcheck?.test.join(' ')).toContain('/api/health/ready');
  });

  it(".env.example names every variable compose.yaml reads from .env itself", () => {
    const text = readFileSync(join(projectRoot, 'compose.yaml'), 'utf8');
    const interpolated = new Set([...text.matchAll(/\$\{(\w+)/g)].map((m) => m[1]!));
    const schema = new Set<string>(ENV_VARIABLES);
    expect([...interpolated].filter((v) => !schema.has(v)).sort()).toEqual(Object.keys(COMPOSE_VARIABLES).sort());
  });
});

const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl) console.warn('production-install.test.ts: the production install is skipped: it runs on PostgreSQL, and TEST_DATABASE_URL is not set');

describe.skipIf(!adminUrl)('the runtime stage followed in a folder, on PostgreSQL (TEST_DATABASE_URL)', () => {
  // The image's WORKDIR, and beside it the PGlite data folder the image would have at /data.
  let scratch = '';
  let app = '';
  const imageEnv: Record<string, string> = {};
  const imageSetUp: string[] = [];
  let healthcheck: string[] = [];
  let command: string[] = [];
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  let server: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let port = 0;
  let log = '';
  let failed = false;
  const measured: Record<string, string> = {};

  /** A path of the build stage (`/app/dist`) is that path in the checkout once the build stage's command has run. */
  const fromBuild = (path: string) => {
    const root = `${workdirOf(buildStage)}/`;
    if (!path.startsWith(root)) throw new Error(`COPY --from=build ${path}: outside the build stage's ${root}`);
    return join(projectRoot, path.slice(root.length));
  };

  function copy(step: Instruction): void {
    if (step.flags.from !== undefined && step.flags.from !== buildStage.name) throw new Error(`COPY --from=${step.flags.from}: unknown stage`);
    const paths = step.args.split(/\s+/);
    const dest = join(app, paths.pop()!);
    for (const source of paths) {
      const from = step.flags.from ? fromBuild(source) : join(projectRoot, source);
      // As COPY does: a folder's contents go into the destination; files into it when it is a folder.
      const to = statSync(from).isDirectory() || !(paths.length > 1 || dest.endsWith('/')) ? dest : join(dest, basename(from));
      cpSync(from, to, { recursive: true });
    }
  }

  function run(step: Instruction): void {
    for (const part of step.args.split('&&').map((p) => p.trim())) {
      if (/^(mkdir|chown)\s/.test(part)) {
        // Image set-up outside the app folder (the PGlite data folder); DATA_DIR is given below instead.
        imageSetUp.push(part);
      } else if (part.startsWith('npm ')) {
        // The npm cache of this machine stands for the build's cache mount.
        const started = Date.now();
        execSync(part, { cwd: app, stdio: 'pipe', env: { ...process.env, ...imageEnv } });
        measured[part] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
      } else {
        throw new Error(`RUN ${part}: a step this test does not know how to follow`);
      }
    }
  }

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'ofs-production-install-'));
    app = join(scratch, 'app');
    // The build stage's output: `npm start`'s own check builds whatever is missing or older than its sources.
    execFileSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: projectRoot, stdio: 'pipe' });
    for (const step of runtime.steps) {
      if (step.keyword === 'ENV') Object.assign(imageEnv, envPairs(step.args));
      else if (step.keyword === 'COPY') copy(step);
      else if (step.keyword === 'RUN') run(step);
      else if (step.keyword === 'HEALTHCHECK') healthcheck = execForm(step.args);
      else if (step.keyword === 'CMD') command = execForm(step.args);
      else if (step.keyword === 'WORKDIR') mkdirSync(app, { recursive: true });
      else if (!['FROM', 'USER', 'EXPOSE'].includes(step.keyword)) {
        throw new Error(`${step.keyword} ${step.args}: an instruction this test does not know how to follow`);
      }
    }
    measured['node_modules'] = `${execSync('du -sm node_modules', { cwd: app, encoding: 'utf8' }).split('\t')[0]} MB`;

    database = await createPostgresDatabase();
    port = await freePort();
    // What the deployer writes (.env.example's REQUIRED entries), read by the server from its folder.
    writeFileSync(
      join(app, '.env'),
      [
        'BASE_URL=https://force-sync.acme.test',
        // http is allowed to a loopback host only; nothing is sent to it here.
        'OPAL_WEBHOOK_URL=http://127.0.0.1:9/webhooks/strategy-workflow',
        `OPAL_STRATEGY_WORKFLOW_AUTH_KEY=${SECRETS.authKey}`,
        'OPAL_WORKSPACE_ID=ws-prod-1',
        `OPAL_TOOL_TOKEN=${SECRETS.toolToken}`,
        `OSA_WEBHOOK_SHARED_SECRET=${SECRETS.webhookSecret}`,
        `API_KEYS=ci:client:${SECRETS.apiKeyCi},ops:operator:${SECRETS.apiKeyOps}`,
        'ADMIN_EMAIL=ops@acme.test',
        `ADMIN_PASSWORD=${SECRETS.adminPassword}`,
        // The run's own PORT (below) must win over this one.
        'PORT=1',
        '',
      ].join('\n'),
    );
    const runEnv = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(scratch, 'data'),
      DATABASE_URL: database.url,
      SHUTDOWN_DRAIN_MS: '0',
    };
    const [program, ...args] = command;
    expect(program).toBe('node');
    const started = Date.now();
    server = spawn(process.execPath, args, { cwd: app, env: { PATH: process.env.PATH ?? '', ...imageEnv, ...runEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (c: Buffer) => (log += c.toString('utf8')));
    server.stderr!.on('data', (c: Buffer) => (log += c.toString('utf8')));
    const child = server;
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let gone = false;
    void exited.then(() => (gone = true));
    for (;;) {
      const status = await fetch(`http://127.0.0.1:${port}/api/health/live`).then(
        (r) => r.arrayBuffer().then(() => r.status),
        () => 0,
      );
      if (status === 200) break;
      if (gone) throw new Error(`the server exited before it was live:\n${log}`);
      if (Date.now() - started > 60_000) throw new Error(`not live within 60 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    measured['start to live'] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  }, 300_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    await exited;
    await database?.drop();
    console.log(`[production install] ${Object.entries(measured).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    if (failed) console.error(`production install: folder kept in ${scratch}; server log:\n${log}`);
    else if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const test = (name: string, body: () => Promise<void> | void) =>
    it(name, async () => {
      try {
        await body();
      } catch (e) {
        failed = true;
        throw e;
      }
    });

  test('npm ci --omit=dev installed no devDependency: no vite, esbuild or tsx', () => {
    expect(readdirSync(join(app, 'node_modules')).length).toBeGreaterThan(10);
    for (const name of ['vite', 'esbuild', 'tsx']) expect(existsSync(join(app, 'node_modules', name)), name).toBe(false);
    // A devDependency that a production dependency requires as a peer is installed with it (npm's
    // rule): typescript, a peer of @trpc/server that nothing imports at run time. Nothing else.
    const requiredPeers = new Set(
      Object.keys(pkg.dependencies).flatMap((name) => {
        const manifest = JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')) as PackageManifest;
        return Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !manifest.peerDependenciesMeta?.[peer]?.optional);
      }),
    );
    const present = Object.keys(pkg.devDependencies).filter((name) => existsSync(join(app, 'node_modules', name)));
    expect(present.filter((name) => !requiredPeers.has(name))).toEqual([]);
    expect(imageSetUp).toEqual(['mkdir /data', 'chown node:node /data']);
  });

  test('the bundle imports production dependencies only, each installed in the folder', () => {
    const files = readdirSync(join(app, 'dist/server'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const imported = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(app, 'dist/server', file), 'utf8');
      // esbuild's ESM output with --packages=external: import statements at the start of a line, and import("…").
      for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/gm)) {
        const specifier = m[1] ?? m[2] ?? m[3] ?? '';
        if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
        imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    expect([...imported].filter((name) => !(name in pkg.dependencies))).toEqual([]);
    expect([...imported].filter((name) => !existsSync(join(app, 'node_modules', name, 'package.json')))).toEqual([]);
  });

  test('it is live, ready and healthy on PostgreSQL, its migrations applied from the copied folder', async () => {
    const answer = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    expect(await answer('/api/health/live')).toMatchObject({ status: 200, body: { status: 'live', version: pkg.version } });
    expect(await answer('/api/health/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(await answer('/api/health')).toMatchObject({
      status: 200,
      body: { status: 'ok', version: pkg.version, database: { reachable: true, driver: 'postgres' } },
    });
    const sql = postgres(database!.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(rows[0]?.n).toBe(readMigrationFiles({ migrationsFolder }).length);
    } finally {
      await sql.end();
    }
  });

  test("the image's HEALTHCHECK and compose.yaml's healthcheck pass against it", () => {
    const image = runHealthcheck(healthcheck, port);
    expect(image.status, image.output).toBe(0);
    const composed = runHealthcheck(compose.services.app!.healthcheck!.test, port);
    expect(composed.status, composed.output).toBe(0);
  });

  test('it read .env from its working directory, the real environment winning (PORT)', () => {
    const line = log.split('\n').find((l) => l.includes('"msg":"configuration: read the env file"'));
    expect(line, log).toBeDefined();
    const read = JSON.parse(line!) as { file: string; variables: string[] };
    expect(read.file).toBe(join(app, '.env'));
    expect(read.variables).toContain('OSA_WEBHOOK_SHARED_SECRET');
    expect(read.variables).not.toContain('PORT');
    expect(log).not.toContain(SECRETS.webhookSecret);
  });

  test('SIGTERM: it stops and exits 0', async () => {
    server!.kill('SIGTERM');
    expect(await exited, log).toBe(0);
  });
});
