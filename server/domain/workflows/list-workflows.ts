import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { and, desc, eq, ilike, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import { type ListWorkflowsInput, listWorkflowsInputSchema } from '../../contracts/workflows';
import { STRATEGY_AGENTS } from '../../contracts/strategy-workflow';
import { agentRuns, syncRequests, workflows } from '../../db/schema';
import type { Ctx } from '../context';
import { WORKFLOW_SUMMARY_COLUMNS } from './describe-workflow';
import { decodeCursor, keysetPage } from '../shared/cursor';
import { parseInput } from '../shared/parse-input';

/** The Workflows screen: newest activity first, with progress (n of 9 agents done). */
export const listWorkflows = defineVerb({
  action: 'workflows.list',
  access: ACCESS.read,
  run: async function listWorkflows({ ctx, input }: { ctx: Ctx; input: ListWorkflowsInput }) {
    const q = parseInput(listWorkflowsInputSchema, input);
    const where: SQL[] = [];
    if (q.status !== 'all') where.push(eq(workflows.status, q.status));
    if (q.search) where.push(ilike(workflows.workflowId, `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      where.push(or(lt(workflows.lastEventAt, c.at), and(eq(workflows.lastEventAt, c.at), lt(workflows.workflowId, c.id)))!);
    }
    const rows = await ctx.db
      .select({ workflowId: workflows.workflowId, ...WORKFLOW_SUMMARY_COLUMNS })
      .from(workflows)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(workflows.lastEventAt), desc(workflows.workflowId))
      .limit(q.limit + 1);
    const { page, nextCursor } = keysetPage(rows, q.limit, (r) => [r.lastEventAt, r.workflowId]);
    const ids = page.map((r) => r.workflowId);
    const progress = ids.length
      ? await ctx.db
          .select({
            workflowId: agentRuns.workflowId,
            completed: sql<number>`(count(*) filter (where ${agentRuns.status} = 'completed' and ${agentRuns.knownAgent}))::int`,
            failed: sql<number>`(count(*) filter (where ${agentRuns.status} = 'failed' and ${agentRuns.knownAgent}))::int`,
          })
          .from(agentRuns)
          .where(inArray(agentRuns.workflowId, ids))
          .groupBy(agentRuns.workflowId)
      : [];
    const syncs = ids.length
      ? await ctx.db
          .select({ workflowId: syncRequests.opalWorkflowId, syncId: syncRequests.syncId, clientName: syncRequests.clientName })
          .from(syncRequests)
          .where(inArray(syncRequests.opalWorkflowId, ids))
      : [];
    const progressOf = new Map(progress.map((p) => [p.workflowId, p]));
    const syncOf = new Map(syncs.map((s) => [s.workflowId, s]));
    return {
      workflows: page.map((w) => ({
        workflow_id: w.workflowId,
        status: w.status,
        started_at: w.startedAt?.toISOString() ?? null,
        finished_at: w.finishedAt?.toISOString() ?? null,
        last_event_at: w.lastEventAt.toISOString(),
        duration_ms: w.startedAt && w.finishedAt ? w.finishedAt.getTime() - w.startedAt.getTime() : null,
        event_count: w.eventCount,
        error: w.error,
        unknown_agents: w.unknownAgents,
        agents_total: STRATEGY_AGENTS.length,
        agents_completed: progressOf.get(w.workflowId)?.completed ?? 0,
        agents_failed: progressOf.get(w.workflowId)?.failed ?? 0,
        sync_id: syncOf.get(w.workflowId)?.syncId ?? null,
        client_name: syncOf.get(w.workflowId)?.clientName ?? null,
      })),
      next_cursor: nextCursor,
    };
  },
});
