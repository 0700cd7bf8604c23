/**
 * Two server processes on one PostgreSQL database (DESIGN.md "Scale").
 *
 * Deliveries: events split across both are each stored once; the same event
 * posted to both at the same moment is stored once, one process answering
 * 202 and the other 409 naming the same stored id.
 *
 * Background jobs (server/domain/jobs/cluster-scheduler.ts) run once per
 * cluster: every process ticks every 5 s and claims a due job with one
 * conditional UPDATE of `job_runs`. The shortest period is a minute and
 * nothing in the configuration shortens it, so the test lets the first
 * period's runs happen, then moves every job's `last_started_at` back by
 * two days (what the passing of every period looks like to the scheduler)
 * to make a second period due at once. In each period, with both processes
 * ticking, each job must start exactly once: its `last_started_at` and
 * owner stay put through further ticks of both processes, and the retention
 * job — whose every run writes an audit row and a log line — leaves exactly
 * one of each per period.
 */
import { rmSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_JOB_NAME } from '../server/domain/alerts/register-alert-jobs';
import { ROLLUP_JOB } from '../server/domain/metrics/register-metrics-jobs';
import { RATE_LIMIT_CLEANUP_JOB } from '../server/domain/rate-limits/register-rate-limit-cleanup';
import { RETENTION_ACTOR, RETENTION_JOB_NAME } from '../server/domain/retention/register-retention-job';
import { createPostgresDatabase } from '../server/test-support/test-database';
import type { EventBody } from '../server/test-support/webhook-client';
import { Ledger, type Outcome, checkLedger, deliver, newRunId, runEvent, storedEvents } from './support/ledger';
import { freshDir, killAllServerProcesses, type ServerProcess, serverEnv, sleep, startServerProcess, waitFor } from './support/server-process';

const JOBS = ['expired-sessions', ALERT_JOB_NAME, RETENTION_JOB_NAME, ROLLUP_JOB, RATE_LIMIT_CLEANUP_JOB].sort();
const SPLIT_EVENTS = 200;
const DUPLICATED_EVENTS = 100;
const CONCURRENCY = 10;
/** Longer than the scheduler's 5 s tick: every process ticks at least once in it. */
const HOLD_MS = 8_000;

type JobRow = { job: string; last_started_at: Date | null; last_finished_at: Date | null; locked_until: Date | null; locked_by: string | null };

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
    }),
  );
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('two server processes on one PostgreSQL database', () => {
  let dir = '';
  let drop: (() => Promise<void>) | undefined;
  let sql: postgres.Sql;
  let url = '';
  let a: ServerProcess;
  let b: ServerProcess;
  let failed = false;

  beforeAll(async () => {
    dir = freshDir('two-processes');
    const pg = await createPostgresDatabase();
    drop = pg.drop;
    url = pg.url;
    sql = postgres(pg.url, { max: 2, onnotice: () => {} });
    // Started together: migrations run under an advisory lock, one process waits for the other.
    [a, b] = await Promise.all([
      startServerProcess({ name: 'a', env: serverEnv({ dataDir: `${dir}/a`, databaseUrl: pg.url }), logDir: dir }),
      startServerProcess({ name: 'b', env: serverEnv({ dataDir: `${dir}/b`, databaseUrl: pg.url }), logDir: dir }),
    ]);
  });

  afterAll(async () => {
    await killAllServerProcesses();
    await sql?.end();
    await drop?.();
    if (failed) console.error(`two-processes: logs kept in ${dir}`);
    else if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stores events split across both processes, and copies sent to both at once, each exactly once', async () => {
    failed = true;
    const runId = newRunId('two');
    const ledger = new Ledger();
    const split = Array.from({ length: SPLIT_EVENTS }, (_, i) => runEvent(runId, `split-${i}`));
    await pool(split, CONCURRENCY * 2, async (body, i) => {
      ledger.sent(body);
      ledger.record(body, await deliver((i % 2 === 0 ? a : b).url, body));
    });
    expect(ledger.otherStatuses()).toEqual([]);
    expect(ledger.count('accepted')).toBe(SPLIT_EVENTS);

    const duplicated = Array.from({ length: DUPLICATED_EVENTS }, (_, i) => runEvent(runId, `dup-${i}`));
    const pairs: [Outcome, Outcome][] = [];
    await pool(duplicated, CONCURRENCY, async (body: EventBody) => {
      ledger.sent(body);
      const both = await Promise.all([deliver(a.url, body), deliver(b.url, body)]);
      for (const o of both) ledger.record(body, o);
      pairs.push(both);
    });
    const kinds = pairs.map((p) => p.map((o) => o.kind).sort().join('+'));
    expect(kinds.filter((k) => k !== 'accepted+duplicate')).toEqual([]);
    const winners = { a: pairs.filter(([x]) => x.kind === 'accepted').length, b: pairs.filter(([, y]) => y.kind === 'accepted').length };

    const check = checkLedger(ledger, await storedEvents({ driver: 'postgres', url }, runId));
    console.info(
      `two-processes: ${SPLIT_EVENTS} events split across a and b, ${DUPLICATED_EVENTS} sent to both at once ` +
        `(202 from a ${winners.a}, from b ${winners.b}; the other 409); sent ${check.sent}, stored ${check.stored}`,
    );
    // A 202 and a 409 of one event naming different ids would show here.
    expect(check.idMismatch).toEqual([]);
    expect(check.acknowledgedButMissing).toEqual([]);
    expect(check.storedTwice).toBe(0);
    expect(check.neverSent).toBe(0);
    expect(check.stored).toBe(SPLIT_EVENTS + DUPLICATED_EVENTS);
    failed = false;
  });

  it('runs each due background job once per period across the two processes', async () => {
    failed = true;
    const owners = new Map([
      [String(a.pid), 'a'],
      [String(b.pid), 'b'],
    ]);
    const jobRuns = () =>
      sql<JobRow[]>`select job, last_started_at, last_finished_at, locked_until, locked_by from job_runs order by job`;
    const finishedSince = async (since: Date) => {
      const rows = await jobRuns();
      return (
        rows.length === JOBS.length &&
        rows.every((r) => r.last_started_at !== null && r.last_started_at > since && r.locked_until === null && r.last_finished_at! >= r.last_started_at)
      );
    };
    const snapshot = async () => (await jobRuns()).map((r) => `${r.job} started ${r.last_started_at?.toISOString()} by ${r.locked_by}`);
    const retentionAudits = async () =>
      (await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'retention.cleanup' and actor = ${RETENTION_ACTOR}`)[0]!.n;
    const retentionLogLines = () =>
      [a, b].reduce((n, p) => n + p.log().split('\n').filter((l) => l.includes('"msg":"retention cleanup finished"')).length, 0);
    const ranBy = async () => (await jobRuns()).map((r) => `${r.job}: ${owners.get(r.locked_by?.split('-')[0] ?? '') ?? r.locked_by}`);

    const periods: string[][] = [];
    for (let period = 1; period <= 2; period++) {
      // Period 1 starts with the processes; period 2 when every job is made due again.
      let since = new Date(0);
      if (period === 2) {
        since = (await sql<{ now: Date }[]>`select now()`)[0]!.now;
        await sql`update job_runs set last_started_at = last_started_at - interval '2 days'`;
      }
      expect(await waitFor(() => finishedSince(since), 40_000, 250), `period ${period}: not every job ran`).toBe(true);
      expect((await jobRuns()).map((r) => r.job)).toEqual(JOBS);
      const claimed = await snapshot();
      // Both processes tick again (more than once): nothing may start again within the period.
      await sleep(HOLD_MS);
      expect(await snapshot(), `period ${period}: a job started again within its period`).toEqual(claimed);
      // Every owner is one of the two processes.
      expect((await ranBy()).filter((r) => !/: [ab]$/.test(r))).toEqual([]);
      expect(await retentionAudits(), `period ${period}: retention audit rows`).toBe(period);
      expect(retentionLogLines(), `period ${period}: retention runs in the two logs`).toBe(period);
      periods.push(await ranBy());
    }
    console.info(`two-processes jobs: period 1 ran by ${periods[0]!.join(', ')}; period 2 ran by ${periods[1]!.join(', ')}`);
    failed = false;
  });
});

