import { and, count, desc, eq, gte, inArray, isNotNull, lte, max, sql } from 'drizzle-orm';
import { auditLog, syncRequests, webhookEvents, webhookRejections, workflows } from '../../db/schema';
import type { Ctx } from '../context';
import type { AlertRules } from './alert-rules';
import type { AlertFigures } from './judge-alert-rules';

/** Refusals that count as signature verification failures (not malformed bodies, size or rate limits). */
export const SIGNATURE_REJECTION_REASONS = ['missing_signature', 'malformed_signature', 'invalid_signature', 'stale_timestamp', 'future_timestamp'];

// Counts that only need to cross a threshold are capped, so a huge table costs a bounded scan.
const BACKLOG_CAP = 100_000;
const SILENCE_CAP = 1_000;
const TIMED_OUT_IDS_SHOWN = 10;

/**
 * The figures every threshold rule needs, each an aggregate over an indexed
 * time window ending at `now` (rows stamped later are ignored, so a
 * controllable clock sees a consistent past).
 */
export async function gatherAlertFigures({ ctx, input }: { ctx: Ctx; input: { now: Date; rules: AlertRules } }): Promise<AlertFigures> {
  const { now, rules } = input;
  const since = (windowMs: number) => new Date(now.getTime() - windowMs);
  const [syncs, latency, silence, auth, backlog, signatures, timedOut] = await Promise.all([
    syncOutcomes(ctx, since(rules.force_sync_success_rate.windowMs), now),
    syncLatency(ctx, since(rules.force_sync_response_time.windowMs), now, rules.force_sync_response_time.percentile),
    webhookSilence(ctx, since(rules.webhook_silence.windowMs), now, rules.webhook_silence.graceMs),
    authFailures(ctx, since(rules.auth_failures.windowMs), now),
    eventBacklog(ctx),
    signatureFailures(ctx, since(rules.signature_failure_rate.windowMs), now),
    timedOutWorkflows(ctx, since(rules.workflow_timed_out.windowMs), now),
  ]);
  return {
    force_sync_success_rate: syncs,
    force_sync_response_time: latency,
    webhook_silence: silence,
    auth_failures: auth,
    event_backlog: backlog,
    signature_failure_rate: signatures,
    workflow_timed_out: timedOut,
  };
}

const finishedSyncIn = (from: Date, to: Date) =>
  and(gte(syncRequests.createdAt, from), lte(syncRequests.createdAt, to), inArray(syncRequests.status, ['triggered', 'failed']));

async function syncOutcomes(ctx: Ctx, from: Date, to: Date) {
  const [row] = await ctx.db
    .select({
      succeeded: sql<number>`count(*) filter (where ${syncRequests.status} = 'triggered')::int`,
      failed: sql<number>`count(*) filter (where ${syncRequests.status} = 'failed')::int`,
    })
    .from(syncRequests)
    .where(finishedSyncIn(from, to));
  return { succeeded: Number(row?.succeeded ?? 0), failed: Number(row?.failed ?? 0) };
}

async function syncLatency(ctx: Ctx, from: Date, to: Date, percentile: number) {
  const [row] = await ctx.db
    .select({
      finished: sql<number>`count(*)::int`,
      // ::text then Number(): both drivers agree on text, not on float8 aggregates.
      percentileMs: sql<string | null>`(percentile_cont(${percentile}::float8) within group (order by ${syncRequests.durationMs}))::text`,
    })
    .from(syncRequests)
    .where(and(finishedSyncIn(from, to), isNotNull(syncRequests.durationMs)));
  const p = row?.percentileMs;
  return { finished: Number(row?.finished ?? 0), percentileMs: p === null || p === undefined ? null : Number(p) };
}

async function webhookSilence(ctx: Ctx, from: Date, to: Date, graceMs: number) {
  const inWindow = ctx.db
    .select({ one: sql<number>`1`.as('one') })
    .from(webhookEvents)
    .where(and(gte(webhookEvents.receivedAt, from), lte(webhookEvents.receivedAt, to)))
    .limit(SILENCE_CAP)
    .as('in_window');
  const [[events], [last], [running], [timedOut], [awaiting]] = await Promise.all([
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(inWindow),
    ctx.db.select({ at: max(webhookEvents.receivedAt) }).from(webhookEvents).where(lte(webhookEvents.receivedAt, to)),
    ctx.db.select({ n: count() }).from(workflows).where(eq(workflows.status, 'running')),
    ctx.db
      .select({ n: count() })
      .from(workflows)
      .where(and(eq(workflows.status, 'timed_out'), gte(workflows.updatedAt, from), lte(workflows.updatedAt, to))),
    // A sync Opal accepted expects callbacks; one younger than the grace period has not had time to send any.
    ctx.db
      .select({ n: count() })
      .from(syncRequests)
      .where(
        and(
          eq(syncRequests.status, 'triggered'),
          gte(syncRequests.createdAt, from),
          lte(syncRequests.createdAt, new Date(to.getTime() - graceMs)),
        ),
      ),
  ]);
  return {
    eventsInWindow: Number(events?.n ?? 0),
    lastEventAt: last?.at ? new Date(last.at) : null,
    runningWorkflows: Number(running?.n ?? 0),
    timedOutInWindow: Number(timedOut?.n ?? 0),
    syncsAwaitingCallbacks: Number(awaiting?.n ?? 0),
  };
}

async function authFailures(ctx: Ctx, from: Date, to: Date) {
  const [row] = await ctx.db
    .select({
      // An aggregate row (written when the per-minute cap is reached) stands for details.count failures.
      n: sql<number>`coalesce(sum(case when jsonb_typeof(${auditLog.details} -> 'count') = 'number' then (${auditLog.details} ->> 'count')::numeric else 1 end), 0)::int`,
    })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'auth.failed'), eq(auditLog.outcome, 'failure'), gte(auditLog.at, from), lte(auditLog.at, to)));
  return { failures: Number(row?.n ?? 0) };
}

async function eventBacklog(ctx: Ctx) {
  const pending = ctx.db
    .select({ one: sql<number>`1`.as('one') })
    .from(webhookEvents)
    .where(eq(webhookEvents.processingStatus, 'pending'))
    .limit(BACKLOG_CAP)
    .as('pending');
  const [[n], [oldest]] = await Promise.all([
    ctx.db.select({ n: sql<number>`count(*)::int` }).from(pending),
    ctx.db
      .select({ at: webhookEvents.receivedAt })
      .from(webhookEvents)
      .where(eq(webhookEvents.processingStatus, 'pending'))
      .orderBy(webhookEvents.seq)
      .limit(1),
  ]);
  return { pending: Number(n?.n ?? 0), oldestPendingAt: oldest?.at ?? null };
}

async function signatureFailures(ctx: Ctx, from: Date, to: Date) {
  const [refusals, [accepted]] = await Promise.all([
    ctx.db
      .select({ reason: webhookRejections.reason, n: sql<number>`coalesce(sum(${webhookRejections.occurrences}), 0)::int` })
      .from(webhookRejections)
      .where(
        and(
          inArray(webhookRejections.reason, SIGNATURE_REJECTION_REASONS),
          gte(webhookRejections.receivedAt, from),
          lte(webhookRejections.receivedAt, to),
        ),
      )
      .groupBy(webhookRejections.reason),
    ctx.db
      .select({ n: count() })
      .from(webhookEvents)
      .where(and(gte(webhookEvents.receivedAt, from), lte(webhookEvents.receivedAt, to))),
  ]);
  const byReason = Object.fromEntries(refusals.map((r) => [r.reason, Number(r.n)]));
  const refused = Object.values(byReason).reduce((a, b) => a + b, 0);
  return { refused, accepted: Number(accepted?.n ?? 0), byReason };
}

async function timedOutWorkflows(ctx: Ctx, from: Date, to: Date) {
  const where = and(eq(workflows.status, 'timed_out'), gte(workflows.updatedAt, from), lte(workflows.updatedAt, to));
  const [[n], recent] = await Promise.all([
    ctx.db.select({ n: count() }).from(workflows).where(where),
    ctx.db
      .select({ workflowId: workflows.workflowId })
      .from(workflows)
      .where(where)
      .orderBy(desc(workflows.updatedAt), workflows.workflowId)
      .limit(TIMED_OUT_IDS_SHOWN),
  ]);
  return { count: Number(n?.n ?? 0), workflowIds: recent.map((r) => r.workflowId) };
}
