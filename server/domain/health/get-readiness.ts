import type { NotReadyReason } from '../../contracts/health';
import type { Database } from '../../db/database';
import { withDeadline } from '../../db/db-errors';
import { defineVerb } from '../access/define-verb';
import type { Ctx } from '../context';

/**
 * A probe's own time-out is typically 1 s (Kubernetes' default): the answer
 * must come before it, even while the database hangs rather than refuses.
 */
export const READY_PING_DEADLINE_MS = 800;

// One ping at a time per database: probes keep coming while the database hangs,
// and each would otherwise leave one more query queued on the pool.
const inFlight = new WeakMap<Database, Promise<void>>();

function sharedPing(database: Database): Promise<void> {
  let ping = inFlight.get(database);
  if (!ping) {
    ping = database.ping().finally(() => inFlight.delete(database));
    inFlight.set(database, ping);
  }
  return ping;
}

export type Readiness = { ready: true; latencyMs: number } | { ready: false; reason: NotReadyReason };

/**
 * `GET /api/health/ready`: should the load balancer send this process
 * requests? Not once shutdown has begun (no round trip then), and not while
 * the database does not answer a ping within the deadline.
 */
export const getReadiness = defineVerb({
  action: 'system.readiness',
  access: 'public',
  run: async function getReadiness({ ctx }: { ctx: Ctx }): Promise<Readiness> {
    if (ctx.lifecycle.state !== 'serving') return { ready: false, reason: 'draining' };
    const started = performance.now();
    try {
      await withDeadline(sharedPing(ctx.database), READY_PING_DEADLINE_MS);
    } catch {
      return { ready: false, reason: 'database_unreachable' };
    }
    // Shutdown may have begun during the ping.
    if (ctx.lifecycle.state !== 'serving') return { ready: false, reason: 'draining' };
    return { ready: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  },
});
