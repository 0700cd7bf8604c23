import { defineVerb } from '../access/define-verb';
import type { Ctx } from '../context';

/**
 * `GET /api/health/live`: the process is up and its event loop turns. No
 * database round trip, so that a database outage restarts no process (a
 * restart would not bring the database back, and would drop what is in flight).
 */
export const getLiveness = defineVerb({
  action: 'system.liveness',
  access: 'public',
  run: ({ ctx }: { ctx: Ctx }) => ({
    status: 'live' as const,
    version: ctx.version,
    uptime_seconds: Math.round((ctx.now() - ctx.startedAt) / 1000),
  }),
});
