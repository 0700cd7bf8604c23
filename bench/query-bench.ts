/**
 * Query benchmark for the metrics service (issue: "Performance").
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/query-bench.ts [--reuse]
 *
 * Creates (or empties) its own database `opal_bench` next to DATABASE_URL,
 * seeds 1,000,000 webhook events over 7 days (50,000 workflows of 20
 * events, ~1% processing failures, ~3% agent failures, 5% failed
 * workflows, log-normal processing times with a slow tail) plus the
 * matching workflows, sync requests, refusals and per-minute HTTP counts,
 * runs the hourly rollup job, then times getMetrics for 24 h and 7 d and the
 * failed-events page query (50 runs each after warm-up) and compares the
 * percentiles read from the rollups with percentile_cont over the raw
 * events. `--reuse` keeps a database seeded by an earlier run;
 * BENCH_STRICT=1 exits 1 when a target is missed. Results:
 * bench/results/queries.json (npm run bench runs this as its step 4).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { desc, eq, or } from 'drizzle-orm';
import postgres from 'postgres';
import { metricsInputSchema } from '../server/contracts/metrics';
import { openDatabase } from '../server/db/open-database';
import { jobRuns, webhookEvents } from '../server/db/schema';
import type { Ctx } from '../server/domain/context';
import { getMetrics } from '../server/domain/metrics/get-metrics';
import { rollUpHours } from '../server/domain/metrics/roll-up-hours';
import { Telemetry } from '../server/domain/metrics/telemetry';
import { createLogger } from '../server/logger';

const BENCH_DB = 'opal_bench';
const WORKFLOWS = 50_000;
const EVENTS_PER_WORKFLOW = 20;
const WORKFLOWS_PER_STATEMENT = 5_000;
const WARMUP = 10;
const RUNS = 50;
const TARGET_P95_MS = 50;
const TARGET_ERROR_PCT = 5;
const DAY_MS = 86_400_000;

const here = dirname(fileURLToPath(import.meta.url));
const log = (...a: unknown[]) => console.log(...a);

function benchUrl(adminUrl: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${BENCH_DB}`;
  return u.toString();
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`select 1 as one from pg_database where datname = ${BENCH_DB}`;
    if (!found) await admin.unsafe(`create database "${BENCH_DB}"`);
  } finally {
    await admin.end();
  }
}

const AGENTS = `array['content_review','geo_audit','audience_suggester','experiment_blueprinter','personalization_idea_generator','roadmap_generator','integration_health','cmp_organizer','customer_journey']`;
// Log-normal, median ~40 ms, with 0.5% of events waiting 1–30 s (a backlog).
const PROCESSING_MS = `(case when random() < 0.005 then 1000 + floor(random() * 29000)
  else greatest(1, round(exp(3.7 + 0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))) end)::int`;

/** Seeds everything with INSERT … SELECT generate_series; the event indexes are rebuilt once at the end. */
async function seed(pg: postgres.Sql, nowMs: number): Promise<Record<string, number>> {
  const start = nowMs - 7 * DAY_MS;
  // The last workflow finishes (~8 min at most) before now.
  const spacingMs = (7 * DAY_MS - 10 * 60_000) / WORKFLOWS;
  await pg.unsafe(
    'truncate webhook_events, webhook_rejections, workflows, agent_runs, sync_requests, hourly_rollups, http_request_rollups, job_runs',
  );
  const indexes = await pg<{ indexname: string; indexdef: string }[]>`
    select indexname, indexdef from pg_indexes where tablename = 'webhook_events' and indexname not like '%_pkey'`;
  for (const i of indexes) await pg.unsafe(`drop index "${i.indexname}"`);
  await pg`select setseed(0.42)`;

  const t0 = performance.now();
  // Bounded: WORKFLOWS / WORKFLOWS_PER_STATEMENT statements.
  for (let w0 = 0; w0 < WORKFLOWS; w0 += WORKFLOWS_PER_STATEMENT) {
    const w1 = Math.min(WORKFLOWS, w0 + WORKFLOWS_PER_STATEMENT) - 1;
    await pg.unsafe(`
      insert into webhook_events (id, dedup_key, workflow_id, event_type, agent_id, event_offset, source_event_id, payload, payload_size,
        signature_scheme, event_timestamp, received_at, processed_at, processing_ms, processing_status, processing_error,
        outcome, outcome_error, known_agent, correlation_id, source_ip)
      select gen_random_uuid(), 'ev:' || wf_id || ':' || eid, wf_id, etype, agent, i, eid, payload, length(payload::text), 'osa', recv, recv,
        case when pstatus = 'failed' then recv + interval '5 ms' else recv + ms * interval '1 ms' end,
        case when pstatus = 'processed' then ms end, pstatus,
        case when pstatus = 'failed' then 'projection update failed: could not serialize access' end,
        outcome, case when outcome = 'failure' then 'Opal reported: agent run failed' end, true, 'bench-' || w, '10.0.0.1'
      from (
        select *, jsonb_build_object('event_type', etype, 'workflow_id', wf_id, 'agent_id', agent, 'offset', i, 'timestamp', recv,
                 'event_id', eid, 'agent_data', jsonb_build_object('score', i, 'summary', 'bench agent output')) as payload,
               case when etype in ('agent.failed', 'workflow.failed') then 'failure'
                    when etype in ('agent.completed', 'workflow.completed') then 'success' else 'in_progress' end as outcome,
               case when random() < 0.01 then 'failed' else 'processed' end as pstatus,
               ${PROCESSING_MS} as ms
        from (
          select w, i, 'bench-wf-' || w as wf_id, 'evt-' || w || '-' || i as eid,
            to_timestamp((${start} + w * ${spacingMs} + i * (15000 + (w * 37) % 10000) + floor(random() * 3000)) / 1000.0) as recv,
            case when i = 0 then 'workflow.started'
                 when i = 19 then case when w % 20 = 7 then 'workflow.failed' else 'workflow.completed' end
                 when i % 2 = 1 then 'agent.started'
                 when random() < 0.03 then 'agent.failed' else 'agent.completed' end as etype,
            case when i between 1 and 18 then (${AGENTS})[((i - 1) / 2) + 1] end as agent
          from generate_series(${w0}, ${w1}) w cross join generate_series(0, ${EVENTS_PER_WORKFLOW - 1}) i
        ) a
      ) b
      -- In arrival order, as a live server writes them: the heap follows received_at.
      order by recv`);
    process.stdout.write(`\r  events: ${(w1 + 1) * EVENTS_PER_WORKFLOW}`);
  }
  process.stdout.write('\n');
  const t1 = performance.now();
  for (const i of indexes) await pg.unsafe(i.indexdef);
  const t2 = performance.now();

  await pg.unsafe(`
    insert into workflows (workflow_id, status, started_at, finished_at, first_event_at, last_event_at, event_count, error, unknown_agents, updated_at)
    select 'bench-wf-' || w, case when w % 20 = 7 then 'failed' when w % 200 = 11 then 'timed_out' else 'completed' end,
      s, s + d, s, s + d, 20, null, '[]'::jsonb, s + d
    from (select w, to_timestamp((${start} + w * ${spacingMs}) / 1000.0) as s,
                 (19 * (15000 + (w * 37) % 10000) + 1500) * interval '1 ms' as d
          from generate_series(0, ${WORKFLOWS - 1}) w) x`);
  await pg.unsafe(`
    insert into sync_requests (sync_id, kind, correlation_id, caller, input, status, opal_workflow_id, opal_mode, opal_outcome,
      opal_attempts, opal_latency_ms, http_status, duration_ms, created_at, finished_at)
    select gen_random_uuid(), 'force_sync', 'force-sync-bench-' || w, 'bench', '{}'::jsonb,
      case when w % 50 = 3 then 'failed' else 'triggered' end, 'bench-wf-' || w, 'live',
      case when w % 50 = 3 then 'upstream_error' else 'started' end, 1, l, case when w % 50 = 3 then 502 else 200 end, l + 15,
      to_timestamp((${start} + w * ${spacingMs} - 1000) / 1000.0), to_timestamp((${start} + w * ${spacingMs} - 1000 + l + 15) / 1000.0)
    from (select w, greatest(20, round(exp(5.7 + 0.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::int as l
          from generate_series(0, ${WORKFLOWS - 1}) w) x`);
  await pg.unsafe(`
    insert into webhook_rejections (id, received_at, reason, detail, source_ip, body_size, body_sha256, occurrences)
    select gen_random_uuid(), to_timestamp((${nowMs} - random() * ${7 * DAY_MS}) / 1000.0),
      (array['invalid_signature','invalid_signature','stale_timestamp','malformed_body','malformed_body','rate_limited'])[1 + floor(random() * 6)::int],
      'bench', '203.0.113.9', 900, md5(g::text), 1
    from generate_series(1, 10000) g`);
  // What Telemetry would have flushed: per minute, the routes a busy week sees.
  await pg.unsafe(`
    insert into http_request_rollups (minute, route, status, count, sum_ms)
    select to_timestamp((floor(${start} / 60000.0) * 60000 + m * 60000) / 1000.0), r.route, r.status,
      greatest(1, round(r.per_minute * (0.7 + random() * 0.6)))::int, round(r.per_minute * r.avg_ms)
    from generate_series(0, ${7 * 24 * 60 - 1}) m
    cross join (values ('POST /api/webhooks/opal-workflow', 202, 99.0, 4.0), ('POST /api/webhooks/opal-workflow', 409, 1.0, 2.0),
                       ('POST /api/webhooks/opal-workflow', 401, 1.0, 1.0), ('POST /api/opal/sync', 200, 5.0, 320.0),
                       ('GET /api/opal/sync/:sync_id', 200, 40.0, 6.0), ('GET /api/health', 200, 2.0, 2.0),
                       ('GET /metrics', 200, 4.0, 15.0), ('GET unmatched', 404, 1.0, 1.0)) as r(route, status, per_minute, avg_ms)`);
  await pg.unsafe(`
    insert into http_request_rollups (minute, route, status, count, sum_ms)
    select distinct on (1) to_timestamp((floor(${start} / 60000.0) * 60000 + floor(random() * ${7 * 24 * 60}) * 60000) / 1000.0),
      'POST /api/opal/sync', 502, 1, 10000
    from generate_series(1, 300) g on conflict do nothing`);
  await pg.unsafe('analyze');
  const t3 = performance.now();
  return { insert_events_ms: Math.round(t1 - t0), rebuild_indexes_ms: Math.round(t2 - t1), other_tables_ms: Math.round(t3 - t2) };
}

function summarize(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  const r = (v: number) => Math.round(v * 100) / 100;
  return { runs: s.length, p50_ms: r(at(0.5)), p95_ms: r(at(0.95)), max_ms: r(s[s.length - 1]!), min_ms: r(s[0]!) };
}

/** Times `fn` RUNS times after WARMUP runs; `before` runs untimed before each call. */
async function time(name: string, fn: () => Promise<unknown>, before?: () => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) {
    await before?.();
    await fn();
  }
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await before?.();
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  const s = summarize(ms);
  log(`  ${name.padEnd(22)} p50 ${String(s.p50_ms).padStart(7)} ms   p95 ${String(s.p95_ms).padStart(7)} ms   max ${String(s.max_ms).padStart(7)} ms`);
  return s;
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.error('Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres (a database opal_bench is created there).');
    process.exit(2);
  }
  const reuse = process.argv.includes('--reuse');
  await ensureDatabase(adminUrl);
  const url = benchUrl(adminUrl);
  const database = await openDatabase({ driver: 'postgres', url, prepare: true });
  const pg = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const db = database.db;
    const [seeded] = await db.select({ result: jobRuns.lastResult }).from(jobRuns).where(eq(jobRuns.job, 'bench.seed'));
    const [{ n: existing }] = (await pg`select count(*)::int as n from webhook_events`) as unknown as [{ n: number }];
    let nowMs: number;
    let seedTimes: Record<string, number> | null = null;
    if (reuse && seeded && existing === WORKFLOWS * EVENTS_PER_WORKFLOW) {
      nowMs = (seeded.result as { now: number }).now;
      log(`reusing ${existing} events seeded for ${new Date(nowMs).toISOString()}`);
    } else {
      nowMs = Date.now();
      log(`seeding ${WORKFLOWS * EVENTS_PER_WORKFLOW} events over 7 days into ${BENCH_DB} …`);
      seedTimes = await seed(pg, nowMs);
      await db.insert(jobRuns).values({ job: 'bench.seed', lastResult: { now: nowMs } });
      log(`  seeded in ${Object.entries(seedTimes).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
    }

    const counts = (await pg`
      select (select count(*) from webhook_events)::int as events,
             (select count(*) from webhook_events where processing_status = 'failed' or outcome = 'failure')::int as failed_events,
             (select count(*) from workflows)::int as workflows, (select count(*) from sync_requests)::int as sync_requests,
             (select count(*) from webhook_rejections)::int as rejections, (select count(*) from http_request_rollups)::int as http_minute_rows`)[0]!;
    log('rows:', counts);

    const q24 = metricsInputSchema.parse({ range: '24h' });
    const q7 = metricsInputSchema.parse({ range: '7d' });
    const q1 = metricsInputSchema.parse({ range: '1h' });
    // The clock stands still at the seed time, so a rerun with --reuse measures the same data.
    const now = () => nowMs;
    const logger = createLogger({ debug: false, level: 'warn' });
    const ctx = { db, database, now, logger, telemetry: new Telemetry({ db, logger, now }) } as unknown as Ctx;
    // A job run rewrites the last 3 hours and the current one at a new version, as the live job does every minute.
    const rollAgain = () => rollUpHours({ ctx });
    // Cold: as the first request of a process, every stored hour read and decoded.
    const cold = (input: typeof q24) => {
      ctx.telemetry.rollupCache.clear();
      return getMetrics({ ctx, input });
    };

    log('rollup job:');
    // Always measured from nothing, so a --reuse run times the first run too.
    await pg`delete from hourly_rollups`;
    const r0 = performance.now();
    const full = await rollUpHours({ ctx });
    const fullMs = performance.now() - r0;
    // What autovacuum does soon after on a live server; without it the planner guesses from an empty table.
    await pg`analyze hourly_rollups`;
    log(`  first run (every hour of the window): ${Math.round(fullMs)} ms, ${full.hours_rolled} hours`);
    const steady: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await rollUpHours({ ctx });
      steady.push(performance.now() - t);
    }
    const steadySummary = summarize(steady);
    log(`  steady run (last 3 hours and changed hours): p50 ${steadySummary.p50_ms} ms`);

    // The diagnostics engineer owns the real failed-events page; this is its query.
    const failedPage = () =>
      db
        .select({
          id: webhookEvents.id,
          receivedAt: webhookEvents.receivedAt,
          workflowId: webhookEvents.workflowId,
          eventType: webhookEvents.eventType,
          agentId: webhookEvents.agentId,
          processingStatus: webhookEvents.processingStatus,
          processingError: webhookEvents.processingError,
          outcome: webhookEvents.outcome,
          outcomeError: webhookEvents.outcomeError,
        })
        .from(webhookEvents)
        .where(or(eq(webhookEvents.processingStatus, 'failed'), eq(webhookEvents.outcome, 'failure')))
        .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
        .limit(25);

    const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
    log(`queries (${WARMUP} warm-up runs, then ${RUNS} timed; load average ${loadBefore.join(' ')}):`);
    const queries = {
      // Steady state: the process has read the week before; the job has just rewritten its hours (the last 3 and the current one).
      metrics_24h: await time('getMetrics 24h', () => getMetrics({ ctx, input: q24 }), rollAgain),
      metrics_7d: await time('getMetrics 7d', () => getMetrics({ ctx, input: q7 }), rollAgain),
      failed_events_page: await time('failed-events page', failedPage),
      // A process's first request for the range: every stored hour read and decoded.
      metrics_24h_cold: await time('getMetrics 24h cold', () => cold(q24)),
      metrics_7d_cold: await time('getMetrics 7d cold', () => cold(q7)),
      metrics_1h: await time('getMetrics 1h (raw)', () => getMetrics({ ctx, input: q1 })),
    };
    const plan = (await pg.unsafe(`explain (analyze, buffers off, timing off, costs off) select id from webhook_events
      where processing_status = 'failed' or outcome = 'failure' order by received_at desc, id desc limit 25`)) as unknown as { 'QUERY PLAN': string }[];

    log('accuracy (rollups vs percentile_cont over the raw events):');
    const accuracy: Record<string, unknown> = {};
    let worstError = 0;
    let exactScanMs = 0;
    for (const [name, input] of [['24h', q24], ['7d', q7]] as const) {
      const m = await getMetrics({ ctx, input });
      const t = performance.now();
      const [exact] = (await pg`
        select percentile_cont(0.5) within group (order by processing_ms)::float8 as p50,
               percentile_cont(0.95) within group (order by processing_ms)::float8 as p95,
               percentile_cont(0.99) within group (order by processing_ms)::float8 as p99,
               avg(processing_ms)::float8 as avg, count(processing_ms)::int as n
        from webhook_events
        where received_at >= ${m.range.from}::timestamptz and received_at < ${m.range.to}::timestamptz`) as unknown as [
        { p50: number; p95: number; p99: number; avg: number; n: number },
      ];
      const scan = performance.now() - t;
      if (name === '7d') exactScanMs = scan;
      const card = m.key_metrics.webhook_processing_time;
      const row: Record<string, unknown> = { events_processed: exact.n, rollup_count: card.count, exact_scan_ms: Math.round(scan) };
      for (const p of ['p50', 'p95', 'p99', 'avg'] as const) {
        const got = card[p]!;
        const err = (Math.abs(got - exact[p]) / exact[p]) * 100;
        worstError = Math.max(worstError, err);
        row[p] = { exact: Math.round(exact[p] * 100) / 100, rollup: got, error_pct: Math.round(err * 1000) / 1000 };
      }
      accuracy[name] = row;
      log(`  ${name}:`, JSON.stringify(row));
    }

    const [version] = (await pg`select version() as v`) as unknown as [{ v: string }];
    const verdict = {
      // Steady state: what a console polling the Overview sees.
      p95_under_50ms: queries.metrics_24h.p95_ms < TARGET_P95_MS && queries.metrics_7d.p95_ms < TARGET_P95_MS && queries.failed_events_page.p95_ms < TARGET_P95_MS,
      cold_p95_under_50ms: queries.metrics_24h_cold.p95_ms < TARGET_P95_MS && queries.metrics_7d_cold.p95_ms < TARGET_P95_MS,
      percentiles_within_5pct: worstError < TARGET_ERROR_PCT,
      worst_error_pct: Math.round(worstError * 1000) / 1000,
    };
    const result = {
      generated_at: new Date().toISOString(),
      data_now: new Date(nowMs).toISOString(),
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        node: process.version,
        postgres: version.v,
        // Other work on the machine during the run (1, 5, 15 min): the figures are only as quiet as this.
        load_average_before: loadBefore,
        load_average_after: loadavg().map((l) => Math.round(l * 100) / 100),
      },
      rows: counts,
      seed: seedTimes,
      rollup: { first_run_ms: Math.round(fullMs), hours: full.hours_rolled, steady_run: steadySummary },
      queries,
      failed_events_page_plan: plan.map((p) => p['QUERY PLAN']),
      exact_percentile_cont_7d_scan_ms: Math.round(exactScanMs),
      accuracy,
      verdict,
    };
    const out = join(here, 'results', 'queries.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    log(`verdict: ${JSON.stringify(verdict)}`);
    log(`written ${out}`);
    // A shared machine makes timings noisy: only BENCH_STRICT=1 turns a missed target into a failing exit (npm run bench reads the JSON).
    if (process.env.BENCH_STRICT === '1' && (!verdict.p95_under_50ms || !verdict.percentiles_within_5pct)) process.exitCode = 1;
  } finally {
    await pg.end();
    await database.close();
  }
}

await main();
