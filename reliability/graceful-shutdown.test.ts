/**
 * SIGTERM while requests are in flight (server/main.ts → RunningServer.close()).
 *
 * Under a steady load, a few deliveries are held half-sent on connections of
 * their own, then the process gets SIGTERM. It must stop accepting new
 * connections while it is still alive (those held requests keep it so),
 * answer every held request once its body arrives (group commit after the
 * signal), answer or close the load's keep-alive connections without
 * dropping a request it has read, close the database, and exit with 0 within
 * the bound. Every 202 is then found stored once, and nothing is stored that
 * its sender got no answer for.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { testDrivers } from '../server/test-support/test-database';
import { Ledger, checkLedger, newRunId, runEvent, runSenders, storedEvents } from './support/ledger';
import { scratchSpace } from './support/scratch-space';
import { sleep, startServerProcess, waitFor } from './support/server-process';
import { keepAliveSender } from './support/keep-alive-sender';
import { slowDelivery, tryConnect } from './support/slow-delivery';

const SENDERS = 10;
const HELD = 5;
/** From SIGTERM to the exit. Generous: the close() itself forces connections shut after 10 s. */
const EXIT_WITHIN_MS = 15_000;

describe.each(testDrivers)('SIGTERM with requests in flight on %s', (driver) => {
  const scratch = scratchSpace(driver, 'graceful-shutdown');

  it('refuses new connections, answers what is in flight, stores every 202, closes the database and exits 0', async () => {
    const { dir, dataDir, databaseUrl, target, env } = await scratch.create();
    const server = await startServerProcess({ name: 'server', env, logDir: dir });
    const runId = newRunId(`term-${driver}`);
    const ledger = new Ledger();

    const load = runSenders({ url: server.url, ledger, runId, senders: SENDERS, maxEvents: 20_000, maxMs: 60_000, stop: () => false });
    const keepAlive = keepAliveSender({ url: server.url, ledger, runId, maxEvents: 20_000, maxMs: 60_000 });
    expect(await waitFor(() => ledger.count('accepted') >= 30, 30_000, 20), 'no steady load').toBe(true);

    // Deliveries held half-sent: in flight on the server when the signal comes.
    const held = Array.from({ length: HELD }, (_, i) => slowDelivery(server.url, runEvent(runId, `held-${i}`)));
    for (const h of held) ledger.sent(h.body);
    await Promise.all(held.map((h) => h.started));
    // Many answers later, the server has long accepted those connections and read their headers.
    const acceptedBefore = ledger.count('accepted');
    await sleep(300);
    expect(await waitFor(() => ledger.count('accepted') >= acceptedBefore + 20, 20_000, 20)).toBe(true);

    const acceptedAtSignal = ledger.count('accepted');
    const signalledAt = Date.now();
    server.signal('SIGTERM');

    // New connections are refused while the process is still alive, finishing its held requests.
    let refusedWhileAlive = false;
    let refusedAt = Number.POSITIVE_INFINITY;
    await waitFor(
      async () => {
        const attempt = await tryConnect(server.port);
        refusedWhileAlive = attempt === 'refused' && server.alive();
        if (refusedWhileAlive) refusedAt = Date.now();
        return refusedWhileAlive || !server.alive();
      },
      8_000,
      25,
    );
    expect(refusedWhileAlive, 'a new connection was still accepted, or the process died with requests in flight').toBe(true);

    // The load's senders each stop at their first request that gets no answer.
    await load;
    const loadAnsweredAfterSignal = ledger.count('accepted') - acceptedAtSignal;
    expect(server.alive(), 'the process exited with requests in flight').toBe(true);

    // The held bodies arrive after the signal: each must be stored and answered.
    for (const h of held) h.finish();
    const heldOutcomes = await Promise.all(held.map((h) => h.outcome));
    held.forEach((h, i) => ledger.record(h.body, heldOutcomes[i]!));
    expect(heldOutcomes.map((o) => o.kind)).toEqual(held.map(() => 'accepted'));

    // A keep-alive sender is told to go: once the server no longer accepts connections, every
    // answer on its open connection says "Connection: close", and the connection ends.
    const keepAliveAnswers = await keepAlive;
    const keptOpenAfterRefusal = keepAliveAnswers.filter(
      (a) => a.sentAt > refusedAt && a.outcome.kind !== 'connection' && a.connection?.toLowerCase() !== 'close',
    );
    expect(keptOpenAfterRefusal, 'answers that kept a keep-alive connection open after the server stopped accepting').toEqual([]);
    expect(keepAliveAnswers.at(-1)?.outcome.kind).toBe('connection');
    const keepAliveAfterSignal = keepAliveAnswers.filter((a) => a.sentAt >= signalledAt && a.outcome.kind === 'accepted').length;

    const exit = await Promise.race([server.exited, sleep(EXIT_WITHIN_MS - (Date.now() - signalledAt)).then(() => 'timeout' as const)]);
    const exitedAfterMs = Date.now() - signalledAt;
    expect(exit, `no exit within ${EXIT_WITHIN_MS} ms of SIGTERM`).toEqual({ code: 0, signal: null });

    // The database was closed: the PGlite pid lock is released; no PostgreSQL session is left.
    if (driver === 'pglite') {
      expect(existsSync(join(dataDir, 'opal-force-sync.lock'))).toBe(false);
    } else {
      const sql = postgres(databaseUrl!, { max: 1, onnotice: () => {} });
      try {
        const sessionsLeft = async () =>
          (
            await sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
              where datname = current_database() and application_name = 'opal-force-sync'`
          )[0]!.n;
        // A backend ends a moment after its client said goodbye.
        await waitFor(async () => (await sessionsLeft()) === 0, 5_000);
        expect(await sessionsLeft()).toBe(0);
      } finally {
        await sql.end();
      }
    }

    expect(ledger.otherStatuses()).toEqual([]);
    const check = checkLedger(ledger, await storedEvents(target, runId));
    console.info(
      `graceful-shutdown ${driver}: sent ${check.sent}, 202s ${ledger.count('accepted')} ` +
        `(${acceptedAtSignal} before SIGTERM, ${loadAnsweredAfterSignal} load answers after it, ${keepAliveAfterSignal} keep-alive answers after it, ${HELD} held requests finished after it), ` +
        `connection failures ${ledger.count('connection')} ${JSON.stringify(ledger.connectionCodes())}, ` +
        `stored ${check.stored}, exit 0 after ${exitedAfterMs} ms`,
    );
    expect(check.acknowledgedButMissing).toEqual([]);
    expect(check.idMismatch).toEqual([]);
    expect(check.storedTwice).toBe(0);
    expect(check.neverSent).toBe(0);
    // A request the server read was answered: nothing stored behind a dropped connection.
    expect(check.storedUnacknowledged).toBe(0);
    expect(check.stored).toBe(ledger.acknowledged().size);
    scratch.passed();
  });
});
