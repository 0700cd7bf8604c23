/**
 * `npm run bench`: webhook ingestion against this machine's own ceiling, in
 * one run, side by side (issue "Performance"). Absolute numbers drift on
 * shared machines, so the figures that matter are ratios to the baseline.
 *
 *   1. baseline: bare Express parsing the same ~1 KB body, answering 202
 *   2. ingest: the real server, unique OSA-signed events, 50 connections,
 *      on PostgreSQL (DATABASE_URL, else the local server if reachable) and PGlite
 *   3. ledger: every 202 stored exactly once, nothing else (a run that fails is void)
 *   4. queries: bench/query-bench.ts over 1,000,000 seeded events (PostgreSQL)
 *   5. force sync overhead against the simulator, and replay throughput
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { type ChildServer, startChildServer } from './lib/child-server';
import { checkLedger, storedIdsPglite, storedIdsPostgres } from './lib/ledger';
import { type LoadResult, newRunId, runLoad } from './lib/load';
import { measureForceSync, measureReplay } from './lib/flows';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const SECRET = `whsec_${Buffer.alloc(32, 42).toString('base64')}`;
const root = new URL('..', import.meta.url).pathname;
const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const logFile = join(resultsDir, 'servers.log');

interface Row {
  name: string;
  load?: LoadResult;
  rssMb?: number;
  ledger?: ReturnType<typeof checkLedger>;
  note?: string;
}

// As `npm start` runs it: a larger young generation, fewer scavenges under bursts (measured: ~7 % more requests/s, +30 MB RSS).
const SERVER_NODE_ARGS = ['--max-semi-space-size=32'];

const serverEnv = (extra: Record<string, string>) => ({
  NODE_ENV: 'development',
  OSA_WEBHOOK_SHARED_SECRET: SECRET,
  OPAL_STRATEGY_WORKFLOW_AUTH_KEY: 'bench-auth-key-0123456789abcdef0123456789',
  WEBHOOK_RATE_LIMIT_PER_MIN: '100000000',
  OPAL_SIMULATOR_DELAY_MS: '600000',
  ...extra,
});

async function measure(server: ChildServer, sign: boolean, runId: string): Promise<LoadResult> {
  await runLoad({ url: server.url, secret: SECRET, connections: CONNECTIONS, seconds: WARMUP_SECONDS, sign, runId: `${runId}w` });
  return runLoad({ url: server.url, secret: SECRET, connections: CONNECTIONS, seconds: SECONDS, sign, runId });
}

async function postgresAdminUrl(): Promise<string | undefined> {
  const candidate = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const sql = postgres(candidate, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return candidate;
  } catch {
    return undefined;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function main() {
  // The server bundle only: the console is not part of what is measured.
  execSync('npm run build:server', { cwd: root, stdio: 'ignore' });
  const rows: Row[] = [];
  const runId = newRunId();

  // 1. Baseline
  const bare = await startChildServer({ script: join(root, 'bench/bare-server.ts'), args: ['--import', 'tsx'], env: {}, logFile, readyPath: '/api/webhooks/opal-workflow' });
  const baseline = await measure(bare, false, `${runId}b`);
  rows.push({ name: 'baseline (bare Express)', load: baseline, rssMb: bare.peakRssMb() });
  await bare.stop();

  // 2–3. Ingest on PostgreSQL
  const adminUrl = await postgresAdminUrl();
  if (adminUrl) {
    const dbName = `opal_bench_${runId}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    try {
      const server = await startChildServer({ script: join(root, 'dist/server/main.js'), args: SERVER_NODE_ARGS, env: serverEnv({ DATABASE_URL: url.toString() }), logFile, readyPath: '/api/health' });
      const load = await measure(server, true, `${runId}p`);
      const rssMb = server.peakRssMb();
      await server.stop();
      const ledger = checkLedger(await storedIdsPostgres(url.toString(), `${runId}p`), load.accepted, load.sent, load.answered);
      rows.push({ name: 'ingest on PostgreSQL', load, rssMb, ledger });
      rows.push({ name: 'force sync (simulator, PostgreSQL)', note: await withServer(serverEnv({ DATABASE_URL: url.toString() }), measureForceSync) });
      rows.push({ name: 'replay (PostgreSQL)', note: await withServer(serverEnv({ DATABASE_URL: url.toString() }), (s) => measureReplay(s, SECRET)) });
    } finally {
      await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    }
  } else {
    rows.push({ name: 'ingest on PostgreSQL', note: 'skipped: no PostgreSQL reachable (set DATABASE_URL)' });
  }

  // 2–3. Ingest on PGlite
  const dataDir = mkdtempSync(join(tmpdir(), 'opal-bench-'));
  try {
    const server = await startChildServer({ script: join(root, 'dist/server/main.js'), args: SERVER_NODE_ARGS, env: serverEnv({ DATA_DIR: dataDir }), logFile, readyPath: '/api/health' });
    const load = await measure(server, true, `${runId}g`);
    const rssMb = server.peakRssMb();
    await server.stop();
    const ledger = checkLedger(await storedIdsPglite(dataDir, `${runId}g`), load.accepted, load.sent, load.answered);
    rows.push({ name: 'ingest on PGlite', load, rssMb, ledger });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  // 4. Queries over 1,000,000 events
  let queries: unknown = 'skipped (no PostgreSQL)';
  if (adminUrl && existsSync(join(root, 'bench/query-bench.ts')) && process.env.BENCH_SKIP_QUERIES !== '1') {
    execSync('npx tsx bench/query-bench.ts', { cwd: root, stdio: 'inherit', env: { ...process.env, DATABASE_URL: adminUrl } });
    queries = JSON.parse(readFileSync(join(resultsDir, 'queries.json'), 'utf8'));
  }

  print(rows, baseline);
  const json = {
    at: new Date().toISOString(),
    connections: CONNECTIONS,
    seconds: SECONDS,
    rows: rows.map((r) => ({ ...r, load: r.load && { ...r.load, accepted: r.load.accepted.size } })),
    queries,
  };
  writeFileSync(join(resultsDir, 'bench.json'), JSON.stringify(json, null, 2));
  console.log(`\nwritten: bench/results/bench.json${typeof queries === 'object' ? ', bench/results/queries.json' : ''}`);
  if (rows.some((r) => r.ledger && !r.ledger.ok)) {
    console.error('LEDGER FAILED: a run above is void.');
    process.exitCode = 1;
  }
}

async function withServer(env: Record<string, string>, fn: (s: ChildServer) => Promise<string>): Promise<string> {
  const server = await startChildServer({ script: join(root, 'dist/server/main.js'), args: SERVER_NODE_ARGS, env, logFile, readyPath: '/api/health' });
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

function print(rows: Row[], baseline: LoadResult) {
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (v: number, d = 0) => v.toFixed(d).padStart(9);
  console.log(`\n${pad('run', 36)}${'req/s'.padStart(9)}${'× base'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'p99 ×'.padStart(9)}${'non2xx'.padStart(9)}${'errors'.padStart(9)}${'RSS MB'.padStart(9)}  ledger`);
  for (const r of rows) {
    if (!r.load) {
      console.log(`${pad(r.name, 36)}${r.note ?? ''}`);
      continue;
    }
    const l = r.load;
    const ledger = r.ledger ? (r.ledger.ok ? `ok (${r.ledger.accepted} accepted = stored once)` : `VOID ${JSON.stringify(r.ledger)}`) : '';
    console.log(
      `${pad(r.name, 36)}${num(l.requestsPerSec)}${num(l.requestsPerSec / baseline.requestsPerSec, 2)}${num(l.latency.p50, 1)}${num(l.latency.p99, 1)}${num(l.latency.p99 / Math.max(baseline.latency.p99, 1), 2)}${num(l.non2xx)}${num(l.errors + l.timeouts)}${num(r.rssMb ?? Number.NaN)}  ${ledger}`,
    );
  }
}

await main();
