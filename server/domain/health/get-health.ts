import { defineVerb } from '../access/define-verb';
import { withDeadline } from '../../db/db-errors';
import type { Ctx } from '../context';

/** `GET /api/health`: is the one thing everything needs, the database, answering? */
export const getHealth = defineVerb({
  action: 'system.health',
  access: 'public',
  run: async function getHealth({ ctx }: { ctx: Ctx }) {
    const started = performance.now();
    let reachable = true;
    let error: string | undefined;
    try {
      await withDeadline(ctx.database.ping(), 3000);
    } catch (e) {
      reachable = false;
      error = e instanceof Error && /did not answer/.test(e.message) ? e.message : 'the database could not be reached';
    }
    return {
      status: reachable ? ('ok' as const) : ('unavailable' as const),
      version: ctx.version,
      uptime_seconds: Math.round((ctx.now() - ctx.startedAt) / 1000),
      database: {
        reachable,
        driver: ctx.database.driver,
        latency_ms: reachable ? Math.round((performance.now() - started) * 10) / 10 : null,
        ...(error ? { error } : {}),
      },
    };
  },
});
