import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { desc } from 'drizzle-orm';
import type { ListReplaysInput, ListReplaysResult, ReplayStatus, StoredReplaySummary } from '../../contracts/replay';
import { replays } from '../../db/schema';
import type { Ctx } from '../context';

/** The replay history, newest first: who replayed what, and what came of it. */
export const listReplays = defineVerb({
  action: 'replay.list',
  access: ACCESS.read,
  run: async function listReplays({ ctx, input }: { ctx: Ctx; input: ListReplaysInput }): Promise<ListReplaysResult> {
    const rows = await ctx.db
      .select({
        replayId: replays.replayId,
        kind: replays.kind,
        requestedBy: replays.requestedBy,
        workflowId: replays.workflowId,
        filter: replays.filter,
        dryRun: replays.dryRun,
        status: replays.status,
        summary: replays.summary,
        reason: replays.reason,
        createdAt: replays.createdAt,
        finishedAt: replays.finishedAt,
      })
      .from(replays)
      .orderBy(desc(replays.createdAt), desc(replays.replayId))
      .limit(input.limit);
    return {
      replays: rows.map((r) => ({
        replay_id: r.replayId,
        kind: r.kind as 'workflow' | 'bulk',
        requested_by: r.requestedBy,
        workflow_id: r.workflowId,
        filter: (r.filter as Record<string, unknown> | null) ?? null,
        dry_run: r.dryRun,
        status: r.status as ReplayStatus,
        summary: (r.summary as StoredReplaySummary | null) ?? null,
        reason: r.reason,
        created_at: r.createdAt.toISOString(),
        finished_at: r.finishedAt?.toISOString() ?? null,
      })),
    };
  },
});
