/**
 * What live updates cost the webhook path (server/domain/live/README.md).
 *
 *   npx tsx bench/live-notify-bench.ts                       # PGlite (in memory)
 *   DATABASE_URL=postgres://… npx tsx bench/live-notify-bench.ts   # and PostgreSQL (its own database)
 *
 * For each driver: (1) one NOTIFY of a realistic payload, timed alone
 * (median and p95 of 500, with this process LISTENing); (2) a group-commit
 * batch of 64 webhooks appended with and without the notifier, and the
 * notifier's own `changed()` per batch; (3) how many NOTIFYs 100 batches in
 * a row cost. Results: bench/results/live-notify.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { Database } from '../server/db/database';
import { openDatabase } from '../server/db/open-database';
import { encodeNotices, LIVE_CHANNEL } from '../server/domain/live/change-notice';
import { ChangeNotifier } from '../server/domain/live/change-notifier';
import { type AppendRow, EventAppender } from '../server/domain/webhooks/event-appender';
import { createLogger } from '../server/logger';

const BATCH = 64;
const BATCHES = 100;
const NOTIFIES = 500;
const logger = createLogger({ debug: false, level: 'silent' });

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const round = (x: number) => Math.round(x * 1000) / 1000;

function row(): AppendRow {
  const workflowId = `wf-bench-${randomUUID()}`;
  const body = JSON.stringify({ event_type: 'agent.completed', workflow_id: workflowId, agent_id: 'geo_audit', offset: 1, timestamp: new Date().toISOString() });
  return {
    id: randomUUID(),
    dedupKey: `bench:${randomUUID()}`,
    workflowId,
    eventType: 'agent.completed',
    agentId: 'geo_audit',
    eventOffset: 1,
    sourceEventId: null,
    payloadText: body,
    payloadSize: body.length,
    signatureScheme: 'osa',
    eventTimestamp: new Date(),
    receivedAt: new Date(),
    outcome: 'success',
    outcomeError: null,
    knownAgent: true,
    correlationId: randomUUID(),
    sourceIp: '127.0.0.1',
  } as AppendRow;
}

async function batchMs(appender: EventAppender): Promise<number> {
  const rows = Array.from({ length: BATCH }, row);
  const t = performance.now();
  await Promise.all(rows.map((r) => appender.append(r)));
  return performance.now() - t;
}

async function measure(database: Database) {
  const heard: string[] = [];
  const unlisten = await database.listen(LIVE_CHANNEL, (p) => heard.push(p));
  const payload = encodeNotices([
    { kind: 'events', count: BATCH },
    { kind: 'workflows', ids: Array.from({ length: 50 }, () => `wf-bench-${randomUUID()}`) },
    { kind: 'overview' },
  ]);
  for (let i = 0; i < 50; i++) await database.run('select pg_notify($1, $2)', [LIVE_CHANNEL, payload]);
  const notify: number[] = [];
  for (let i = 0; i < NOTIFIES; i++) {
    const t = performance.now();
    await database.run('select pg_notify($1, $2)', [LIVE_CHANNEL, payload]);
    notify.push(performance.now() - t);
  }

  // The group commit alone, then with the notifier told after each commit (as server.ts does).
  const plain = new EventAppender(database);
  const changedCpu: number[] = [];
  const notifier = new ChangeNotifier({ database, logger });
  const live = new EventAppender(database, {
    onStored: (count) => {
      const t = performance.now();
      notifier.changed('events', { count });
      notifier.changed('workflows', { ids: Array.from({ length: count }, (_, i) => `wf-${i}`) });
      changedCpu.push(performance.now() - t);
    },
  });
  for (let i = 0; i < 10; i++) {
    await batchMs(plain);
    await batchMs(live);
  }
  const without: number[] = [];
  const withLive: number[] = [];
  changedCpu.length = 0;
  const notifiesBefore = notifier.stats.notifies;
  const started = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    without.push(await batchMs(plain));
    withLive.push(await batchMs(live));
  }
  const elapsedMs = performance.now() - started;
  await notifier.stop();
  await unlisten();
  return {
    notify_ms: { median: round(pct(notify, 50)), p95: round(pct(notify, 95)), payload_bytes: payload.length },
    batch_of_64_ms: { without_live: round(pct(without, 50)), with_live: round(pct(withLive, 50)), p95_without: round(pct(without, 95)), p95_with: round(pct(withLive, 95)) },
    changed_cpu_us_per_batch: round(pct(changedCpu, 50) * 1000),
    notifies_for_batches: { batches: BATCHES, notifies: notifier.stats.notifies - notifiesBefore, over_ms: Math.round(elapsedMs), notify_ms_total: round(notifier.stats.notifyMs) },
    heard: heard.length,
  };
}

const results: Record<string, unknown> = {};
const pglite = await openDatabase({ driver: 'pglite', dataDir: undefined });
results.pglite = await measure(pglite);
await pglite.close();
if (process.env.DATABASE_URL) {
  const name = `opal_live_bench_${Date.now().toString(36)}`;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  const pg = await openDatabase({ driver: 'postgres', url: url.toString(), prepare: true });
  try {
    results.postgres = await measure(pg);
  } finally {
    await pg.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}
console.log(JSON.stringify(results, null, 2));
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'live-notify.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2) + '\n');
