import type { ActorCtx } from '../access/define-verb';
import { eq } from 'drizzle-orm';
import type { ReplayStatus, StoredReplaySummary } from '../../contracts/replay';
import { replays } from '../../db/schema';
import type { Ctx } from '../context';

/** Who asked for a replay: the caller's name is what `replays` and the audit log record. */
export interface ReplayRequester {
  name: string;
  correlationId?: string | undefined;
  sourceIp?: string | undefined;
}

export const requesterOf = (ctx: ActorCtx): ReplayRequester => ({ name: ctx.actor.name, correlationId: ctx.correlationId, sourceIp: ctx.sourceIp });

export interface ReplayRecord {
  replayId: string;
  kind: 'workflow' | 'bulk';
  requester: ReplayRequester;
  workflowId: string | null;
  filter: Record<string, unknown>;
  dryRun: boolean;
  /** Why (null: a dry run given none). */
  reason: string | null;
}

/**
 * Written before any event is touched, as `running`: a replay cut short by a
 * crash stays visible in the history as never finished.
 */
export async function openReplayRecord(ctx: Ctx, r: ReplayRecord): Promise<void> {
  await ctx.db.insert(replays).values({
    replayId: r.replayId,
    requestedBy: r.requester.name,
    kind: r.kind,
    workflowId: r.workflowId,
    filter: r.filter,
    dryRun: r.dryRun,
    reason: r.reason,
    status: 'running',
    createdAt: new Date(ctx.now()),
  });
}

/** Finishes the `replays` row and writes the audit entry (action `replay` or `replay.bulk`). */
export async function closeReplayRecord(
  ctx: Ctx,
  r: ReplayRecord & { status: ReplayStatus; summary: StoredReplaySummary },
): Promise<void> {
  await ctx.db
    .update(replays)
    .set({ status: r.status, summary: r.summary, finishedAt: new Date(ctx.now()) })
    .where(eq(replays.replayId, r.replayId));
  ctx.audit.record({
    actor: r.requester.name,
    action: r.kind === 'bulk' ? 'replay.bulk' : 'replay',
    outcome: r.status === 'failed' || r.status === 'completed_with_failures' ? 'failure' : 'success',
    target: r.workflowId ?? 'bulk',
    details: { replay_id: r.replayId, status: r.status, dry_run: r.dryRun, reason: r.reason, filter: r.filter, ...r.summary },
    sourceIp: r.requester.sourceIp,
    correlationId: r.requester.correlationId,
  });
}

/**
 * A replay that threw (the database went away): recorded as failed where
 * that is still possible. Never masks the original error.
 */
export async function failReplayRecord(ctx: Ctx, r: ReplayRecord, summary: StoredReplaySummary, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  try {
    await closeReplayRecord(ctx, { ...r, status: 'failed', summary: { ...summary, error: message.slice(0, 500) } });
  } catch (e) {
    ctx.logger.warn({ err: e, replayId: r.replayId }, 'could not record a failed replay');
  }
}
