/**
 * SIGKILL under load: nothing acknowledged is lost, nothing is stored twice.
 *
 * A sender keeps 20 deliveries in flight with unique signed events and books
 * every answer. Mid-run the server process is frozen for 300 ms (SIGSTOP:
 * an INSERT already sent to PostgreSQL commits without its 202 being
 * written) and then killed outright (SIGKILL). The sender
 * books requests that got no answer as unacknowledged; the server is started
 * again on the same data (a PGlite directory with its stale pid lock, or the
 * same PostgreSQL database) and the sender re-sends those, as a real one
 * would: each must get 202 (it was lost before it was durable) or 409 naming
 * the stored original (it was durable, the answer was lost). Then the table
 * itself must hold every sent event exactly once, under the id its answer
 * named, and nothing else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDrivers } from '../server/test-support/test-database';
import type { EventBody } from '../server/test-support/webhook-client';
import { Ledger, checkLedger, deliver, newRunId, runSenders, storedEvents } from './support/ledger';
import { scratchSpace } from './support/scratch-space';
import { sleep, startServerProcess, waitFor } from './support/server-process';

const SENDERS = 20;
/** Never reached before the kill on this hardware; only bounds the loop. */
const MAX_EVENTS = 6_000;
/** Steady load this long before the kill (longer if nothing was acknowledged yet). */
const LOAD_BEFORE_KILL_MS = 2_000;
const MIN_ACKS_BEFORE_KILL = 20;
const RESEND_CONCURRENCY = 10;
const FROZEN_MS = 300;

describe.each(testDrivers)('SIGKILL under load on %s', (driver) => {
  const scratch = scratchSpace(driver, 'crash-under-load');

  it('keeps every acknowledged event exactly once across a kill, a restart and the re-sends', async () => {
    const { dir, dataDir, target, env } = await scratch.create();
    const runId = newRunId(`crash-${driver}`);
    const ledger = new Ledger();

    // 1. Load, then SIGKILL mid-run.
    const first = await startServerProcess({ name: 'first', env, logDir: dir });
    const loadStarted = Date.now();
    const load = runSenders({ url: first.url, ledger, runId, senders: SENDERS, maxEvents: MAX_EVENTS, maxMs: 60_000, stop: () => false });
    const loaded = await waitFor(
      () => Date.now() - loadStarted >= LOAD_BEFORE_KILL_MS && ledger.count('accepted') >= MIN_ACKS_BEFORE_KILL,
      30_000,
      20,
    );
    expect(loaded, 'the server acknowledged too little before the kill').toBe(true);
    const acceptedAtSignal = ledger.count('accepted');
    const sentAtSignal = ledger.entries.size;
    // Frozen first, then killed: PostgreSQL finishes the INSERT already sent to it, so some
    // events become durable without their 202 ever being written (the re-send must get 409).
    first.signal('SIGSTOP');
    await sleep(FROZEN_MS);
    first.signal('SIGKILL');
    await load; // every sender stops at its first unanswered request
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(sentAtSignal, 'the load ran out of events before the kill').toBeLessThan(MAX_EVENTS);

    const acceptedBeforeKill = ledger.count('accepted');
    const connectionFailures = ledger.count('connection');
    const unacknowledged = ledger.unacknowledged();
    // Before the kill the server answered only 202: anything else is a fault of its own.
    expect(ledger.otherStatuses()).toEqual([]);
    expect(connectionFailures).toBeGreaterThan(0);
    expect(unacknowledged.length).toBe(connectionFailures);

    if (driver === 'pglite') {
      // The killed process left its pid lock behind: the restart must take it over by itself.
      const lockFile = join(dataDir, 'opal-force-sync.lock');
      expect(existsSync(lockFile)).toBe(true);
      expect(readFileSync(lockFile, 'utf8')).toBe(String(first.pid));
    }

    // 2. Restart on the same data; re-send what got no answer.
    const second = await startServerProcess({ name: 'second', env, logDir: dir });
    const queue: EventBody[] = [...unacknowledged];
    await Promise.all(
      Array.from({ length: RESEND_CONCURRENCY }, async () => {
        for (let body = queue.shift(); body; body = queue.shift()) ledger.record(body, await deliver(second.url, body));
      }),
    );
    const resent = unacknowledged.map((b) => ledger.entries.get(b.event_id!)!.outcomes.at(-1)!);
    const resentAccepted = resent.filter((o) => o.kind === 'accepted').length;
    const resentDuplicate = resent.filter((o) => o.kind === 'duplicate').length;
    expect(resent.filter((o) => o.kind !== 'accepted' && o.kind !== 'duplicate')).toEqual([]);
    expect(ledger.unacknowledged()).toEqual([]);

    const stopped = await second.stop();
    expect(stopped).toEqual({ code: 0, signal: null });

    // 3. The table itself.
    const check = checkLedger(ledger, await storedEvents(target, runId));
    console.info(
      `crash-under-load ${driver}: sent ${check.sent} (${sentAtSignal} before the SIGKILL), ` +
        `202s before the kill ${acceptedBeforeKill} (${acceptedAtSignal} when the signal was sent), ` +
        `connection failures ${connectionFailures} ${JSON.stringify(ledger.connectionCodes())}, ` +
        `re-sent ${unacknowledged.length} → 202 ${resentAccepted}, 409 ${resentDuplicate}; stored ${check.stored}`,
    );
    expect(check.acknowledgedButMissing).toEqual([]);
    expect(check.idMismatch).toEqual([]);
    expect(check.storedTwice).toBe(0);
    expect(check.neverSent).toBe(0);
    expect(check.storedUnacknowledged).toBe(0);
    // Every event was sent until acknowledged, so each is stored, once.
    expect(check.stored).toBe(check.sent);
    scratch.passed();
  });
});
