import { Writable } from 'node:stream';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestConfig } from '../../test-support/make-test-config';
import { webhookEvents } from '../../db/schema';
import { DEFAULT_ALERT_RULES } from '../../domain/alerts/alert-rules';
import { type AlertReceiver, startAlertReceiver } from '../../test-support/alert-test-support';
import { createLogger } from '../../logger';
import { type RunningServer, startServer } from '../../server';
import { openPostgresBehindProxy } from '../../test-support/postgres-behind-proxy';
import type { TcpProxy } from '../../test-support/tcp-proxy';
import { type Delivery, type EventBody, makeEvent, postOsa } from '../../test-support/webhook-client';

const SENDERS = 6;
const MAX_PER_SENDER = 300;
const CUT_MS = 3_000;
/** No delivery may take longer than this: the appender's own deadline is 10 s. */
const HANG_BOUND_MS = 15_000;
/** Give up on the whole load phase after this long. */
const LOAD_BOUND_MS = 45_000;

interface Sent {
  event: EventBody;
  startedAt: number;
  endedAt: number;
  /** undefined: no HTTP answer at all. */
  status: number | undefined;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilTrue(check: () => boolean | Promise<boolean>, ms: number, everyMs = 100): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(everyMs);
  }
}

// A cut in the middle of a steady stream of deliveries: the ledger of 202s must match the database exactly.
describe.skipIf(!process.env.TEST_DATABASE_URL)('database outage under load on postgres', () => {
  let proxy: TcpProxy;
  let server: RunningServer;
  let receiver: AlertReceiver;
  let dispose: (() => Promise<void>) | undefined;
  const logs: string[] = [];
  let config: ReturnType<typeof makeTestConfig>;

  beforeAll(async () => {
    receiver = await startAlertReceiver();
    config = makeTestConfig({ port: 0, host: '127.0.0.1', alertWebhookUrl: receiver.url });
    const behind = await openPostgresBehindProxy();
    ({ proxy, dispose } = behind);
    const database = behind.database;
    const destination = new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    });
    server = await startServer({ config, logger: createLogger({ debug: false, level: 'info', destination }), database, background: false });
    // The server's own probe, with its real ping and rule, but driven by the test instead of its 5 s timer.
    await server.ctx.dbHealth.stop();
  });
  afterAll(async () => {
    proxy?.restore();
    await server?.close();
    await receiver?.close();
    await dispose?.();
  });

  it('never answers 202 for an event it did not store, answers 503 with Retry-After during the cut, fires the alert, and recovers by itself', { timeout: 120_000 }, async () => {
    const secret = config.webhook.secrets[0]!;
    const sent: Sent[] = [];
    let stop = false;
    let cutAt = Number.POSITIVE_INFINITY;
    let restoredAt = Number.POSITIVE_INFINITY;
    const loadStarted = Date.now();

    const deliver = async (event: EventBody): Promise<Sent> => {
      const startedAt = Date.now();
      let d: Delivery | undefined;
      try {
        d = await postOsa(server.url, secret, event);
      } catch {
        d = undefined;
      }
      return {
        event,
        startedAt,
        endedAt: Date.now(),
        status: d?.status,
        retryAfter: d?.headers.get('retry-after') ?? null,
        body: d?.body ?? {},
      };
    };

    const sender = async () => {
      for (let i = 0; i < MAX_PER_SENDER && !stop && Date.now() - loadStarted < LOAD_BOUND_MS; i++) {
        const r = await deliver(makeEvent({ event_type: 'workflow.started' }));
        sent.push(r);
        // A real relay backs off after a refusal; a short pause keeps the count bounded.
        if (r.status !== 202) await sleep(25);
      }
    };
    const senders = Array.from({ length: SENDERS }, () => sender());
    const accepted = (from: number) => sent.filter((r) => r.status === 202 && r.startedAt >= from).length;

    // Load running: some deliveries stored before the cut.
    expect(await untilTrue(() => accepted(0) >= 40, 20_000, 20)).toBe(true);

    proxy.cut();
    cutAt = Date.now();
    // The server's probe, twice while the database is away: the alert fires (in memory; nothing can be written).
    await server.ctx.dbHealth.probe();
    const health = await fetch(`${server.url}/api/health`);
    const healthBody = (await health.json()) as { database: { reachable: boolean } };
    await server.ctx.dbHealth.probe();
    const firing = server.ctx.dbHealth.snapshot();
    await sleep(Math.max(0, CUT_MS - (Date.now() - cutAt)));
    proxy.restore();
    restoredAt = Date.now();

    // Recovers without a restart: new deliveries are stored again.
    const recovered = await untilTrue(() => accepted(restoredAt) >= 30, 30_000, 50);
    stop = true;
    await Promise.all(senders);

    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBeTruthy();
    expect(healthBody.database.reachable).toBe(false);
    expect(firing).toMatchObject({ state: 'firing', incident: { stored: false } });
    expect(firing.consecutive_failures).toBeGreaterThanOrEqual(DEFAULT_ALERT_RULES.database_connection.failuresToFire);
    expect(recovered).toBe(true);

    // Every delivery got an answer, in time, and only 202 or 503.
    const statuses = new Map<string, number>();
    for (const r of sent) statuses.set(String(r.status), (statuses.get(String(r.status)) ?? 0) + 1);
    expect([...statuses.keys()].sort()).toEqual(['202', '503']);
    expect(Math.max(...sent.map((r) => r.endedAt - r.startedAt))).toBeLessThan(HANG_BOUND_MS);
    const refused = sent.filter((r) => r.status === 503);
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(r.body).toMatchObject({ success: false, error: 'Service Unavailable', message: expect.any(String), correlation_id: expect.any(String) });
    }
    // Nothing is accepted while the database is away: a delivery made wholly inside the cut is refused.
    expect(refused.length).toBeGreaterThan(0);
    const insideCut = sent.filter((r) => r.startedAt > cutAt + 200 && r.endedAt < restoredAt);
    expect(insideCut.filter((r) => r.status !== 503)).toEqual([]);

    // The ledger: every event answered 202 is stored exactly once, under the id the answer named.
    const workflowIds = sent.map((r) => r.event.workflow_id);
    const rowsOf = async (ids: string[]) => {
      const rows: { id: string; workflowId: string }[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        rows.push(
          ...(await server.ctx.db
            .select({ id: webhookEvents.id, workflowId: webhookEvents.workflowId })
            .from(webhookEvents)
            .where(inArray(webhookEvents.workflowId, ids.slice(i, i + 500)))),
        );
      }
      return rows;
    };
    const stored = await rowsOf(workflowIds);
    const storedBy = new Map<string, string[]>();
    for (const row of stored) storedBy.set(row.workflowId, [...(storedBy.get(row.workflowId) ?? []), row.id]);
    const ok = sent.filter((r) => r.status === 202);
    for (const r of ok) expect(storedBy.get(r.event.workflow_id)).toEqual([r.body.event_id]);
    // A 503 may come after a commit whose answer was lost on the way back; never twice.
    for (const ids of storedBy.values()) expect(ids).toHaveLength(1);

    // The sender retries what was refused: each is now stored once (202), or was already (409 naming it).
    const retried: { event: EventBody; status: number; eventId: unknown }[] = [];
    for (let i = 0; i < refused.length; i += 20) {
      const batch = refused.slice(i, i + 20);
      const answers = await Promise.all(batch.map((r) => postOsa(server.url, secret, r.event)));
      answers.forEach((a, j) => retried.push({ event: batch[j]!.event, status: a.status, eventId: a.body.event_id }));
    }
    expect(retried.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    const afterRetry = await rowsOf(workflowIds);
    expect(afterRetry).toHaveLength(sent.length);
    expect(new Set(afterRetry.map((r) => r.workflowId)).size).toBe(sent.length);
    const idOf = new Map(afterRetry.map((r) => [r.workflowId, r.id]));
    for (const r of retried) expect(r.eventId).toBe(idOf.get(r.event.workflow_id));

    // Back: health answers, the alert is stored with its real firing time, then resolved after two good probes.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    await server.ctx.dbHealth.probe();
    const whileFiring = (await (await fetch(`${server.url}/api/alerts?status=firing`)).json()) as { alerts: { rule: string; fired_at: string }[] };
    expect(whileFiring.alerts.map((a) => a.rule)).toContain('database_connection');
    expect(whileFiring.alerts.find((a) => a.rule === 'database_connection')!.fired_at).toBe(firing.incident!.fired_at);
    await server.ctx.dbHealth.probe();
    expect(server.ctx.dbHealth.snapshot()).toMatchObject({ state: 'ok', incident: null });
    const all = (await (await fetch(`${server.url}/api/alerts?status=all`)).json()) as { alerts: { rule: string; status: string; resolved_at: string | null }[] };
    const dbAlerts = all.alerts.filter((a) => a.rule === 'database_connection');
    expect(dbAlerts).toHaveLength(1);
    expect(dbAlerts[0]).toMatchObject({ status: 'resolved', resolved_at: expect.any(String) });
    // The on-call hears of it: firing, then recovery.
    expect(await untilTrue(() => receiver.received.length >= 2, 15_000)).toBe(true);
    const texts = receiver.received.map((r) => String(r.body.text));
    expect(texts[0]).toMatch(/^\[FIRING\] critical: Database connection failures\./);
    expect(texts[1]).toMatch(/^\[RESOLVED\] Database connection failures\./);

    // The projection worker catches up by itself: nothing stays pending.
    const allProcessed = await untilTrue(async () => {
      for (let i = 0; i < workflowIds.length; i += 500) {
        const rows = await server.ctx.db
          .select({ status: webhookEvents.processingStatus })
          .from(webhookEvents)
          .where(inArray(webhookEvents.workflowId, workflowIds.slice(i, i + 500)));
        if (!rows.every((r) => r.status === 'processed')) return false;
      }
      return true;
    }, 30_000, 250);
    expect(allProcessed).toBe(true);
    expect(logs.join('')).not.toContain(secret);

    console.info(
      `database outage under load: ${sent.length} events sent by ${SENDERS} senders, ` +
        `${ok.length} answered 202, ${refused.length} answered 503 (${insideCut.length} wholly inside the ${CUT_MS} ms cut), ` +
        `${stored.length} stored before retries, ${retried.filter((r) => r.status === 409).length} of the retried 503s already stored (409), ` +
        `${afterRetry.length} stored after retries, slowest answer ${Math.max(...sent.map((r) => r.endedAt - r.startedAt))} ms`,
    );
  });

  // The fix for the crash above (server/db/postgres-transaction-guard.ts) must leave ordinary transactions alone.
  it('still commits, rolls back and rolls back to a savepoint as before, and survives a cut in the middle of a transaction', { timeout: 60_000 }, async () => {
    const db = server.ctx.db;
    await db.execute(sql`create table if not exists guard_probe (id text primary key)`);
    // PostgreSQL's driver answers execute() with the rows themselves.
    const ids = async () => ((await db.execute(sql`select id from guard_probe order by id`)) as unknown as { id: string }[]).map((r) => r.id);

    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into guard_probe values ('committed')`);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into guard_probe values ('rolled-back')`);
        throw new Error('refused by the caller');
      }),
    ).rejects.toThrow('refused by the caller');
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into guard_probe values ('outer')`);
      await expect(
        tx.transaction(async (sp) => {
          await sp.execute(sql`insert into guard_probe values ('inner')`);
          await sp.execute(sql`insert into guard_probe values ('outer')`);
        }),
      ).rejects.toThrow();
    });
    expect(await ids()).toEqual(['committed', 'outer']);

    // The connection drops while a transaction and its savepoint hold it: the caller gets an error, in time.
    const started = Date.now();
    const cutMidway = db.transaction(async (tx) => {
      await tx.execute(sql`insert into guard_probe values ('lost')`);
      await tx.transaction(async (sp) => {
        proxy.cut();
        await sp.execute(sql`select pg_sleep(0.2)`);
      });
    });
    await expect(cutMidway).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(HANG_BOUND_MS);
    proxy.restore();
    expect(await untilTrue(async () => (await fetch(`${server.url}/api/health`)).status === 200, 20_000, 200)).toBe(true);
    expect(await ids()).toEqual(['committed', 'outer']);
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into guard_probe values ('after')`);
    });
    expect(await ids()).toEqual(['after', 'committed', 'outer']);
  });
});
