import { eq, sql } from 'drizzle-orm';
import { webhookEvents, workflows } from '../../db/schema';
import type { Ctx } from '../context';

/**
 * What is true now, whatever the range: workflows running
 * (workflows_status_idx) and events waiting for the worker (the partial
 * pending index). One round trip.
 */
export async function queryLiveCounts(ctx: Ctx): Promise<{ activeWorkflows: number; pendingEvents: number }> {
  const [row] = await ctx.db
    .select({
      active: sql<number>`count(*)::int`,
      pending: sql<number>`(select count(*) from ${webhookEvents} where ${webhookEvents.processingStatus} = 'pending')::int`,
    })
    .from(workflows)
    .where(eq(workflows.status, 'running'));
  return { activeWorkflows: row?.active ?? 0, pendingEvents: row?.pending ?? 0 };
}
