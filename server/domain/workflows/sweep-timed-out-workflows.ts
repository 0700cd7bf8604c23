import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/database';
import { workflows } from '../../db/schema';

/** A running workflow with no event for the time-out becomes `timed_out` (DESIGN.md). */
export async function sweepTimedOutWorkflows(db: Db, opts: { now: Date; timeoutMin: number }): Promise<number> {
  const cutoff = new Date(opts.now.getTime() - opts.timeoutMin * 60_000);
  const rows = await db
    .update(workflows)
    .set({ status: 'timed_out', updatedAt: opts.now })
    .where(and(eq(workflows.status, 'running'), lt(workflows.lastEventAt, cutoff)))
    .returning({ workflowId: workflows.workflowId });
  return rows.length;
}
