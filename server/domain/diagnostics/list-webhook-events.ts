import { and, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import { type DiagnosticsEvent, encodeEventCursor, type LastWebhookQuery } from '../../contracts/diagnostics';
import { webhookEvents as e } from '../../db/schema';
import type { Ctx } from '../context';
import { duplicateColumns } from '../webhooks/duplicate-copies';
import { describeEventError } from './describe-event-error';

export type ListWebhookEventsInput = Pick<
  LastWebhookQuery,
  'limit' | 'status' | 'start_date' | 'end_date' | 'workflow_id' | 'agent_id' | 'event_type' | 'q' | 'cursor'
>;

/**
 * The event log newest first, filtered, one keyset page at a time. The
 * status conditions are written as literal SQL (not bound parameters) so the
 * planner can match the partial index `webhook_events_failed_idx` even under
 * a generic prepared plan. Every value a caller gives is a bound parameter.
 */
export async function listWebhookEvents({ ctx, input }: { ctx: Ctx; input: ListWebhookEventsInput }): Promise<{
  events: DiagnosticsEvent[];
  nextCursor: string | null;
}> {
  const where: SQL[] = [];
  if (input.status === 'failed') where.push(sql`(${e.processingStatus} = 'failed' or ${e.outcome} = 'failure')`);
  if (input.status === 'success') where.push(sql`(${e.processingStatus} = 'processed' and ${e.outcome} <> 'failure')`);
  if (input.start_date) where.push(gte(e.receivedAt, input.start_date));
  if (input.end_date) where.push(lte(e.receivedAt, input.end_date));
  if (input.workflow_id) where.push(eq(e.workflowId, input.workflow_id));
  if (input.agent_id) where.push(eq(e.agentId, input.agent_id));
  if (input.event_type) where.push(eq(e.eventType, input.event_type));
  // Containment, answered by the GIN jsonb_path_ops index.
  if (input.q) where.push(sql`${e.payload} @> ${JSON.stringify(input.q)}::jsonb`);
  if (input.cursor) {
    const at = input.cursor.receivedAt;
    // The first term alone is what the received_at indexes can seek on; the second breaks ties by id.
    where.push(
      sql`${e.receivedAt} <= ${at}::timestamptz and (${e.receivedAt} < ${at}::timestamptz or ${e.id} < ${input.cursor.id}::uuid)`,
    );
  }

  const rows = await ctx.db
    .select({
      id: e.id,
      eventType: e.eventType,
      workflowId: e.workflowId,
      agentId: e.agentId,
      offset: e.eventOffset,
      processingStatus: e.processingStatus,
      processingError: e.processingError,
      outcome: e.outcome,
      outcomeError: e.outcomeError,
      signatureScheme: e.signatureScheme,
      receivedAt: e.receivedAt,
      processedAt: e.processedAt,
      processingMs: e.processingMs,
      payloadSize: e.payloadSize,
      correlationId: e.correlationId,
      ...duplicateColumns(e.id),
      // A JS Date keeps milliseconds; the cursor needs the stored microseconds to be exact.
      cursorAt: sql<string>`to_char(${e.receivedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(e)
    .where(and(...where))
    .orderBy(desc(e.receivedAt), desc(e.id))
    .limit(input.limit + 1);

  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    events: page.map((r) => {
      const failure = describeEventError(r);
      return {
        id: r.id,
        event_type: r.eventType,
        workflow_id: r.workflowId,
        agent_id: r.agentId,
        offset: r.offset,
        status: failure.status,
        processing_status: r.processingStatus,
        outcome: r.outcome,
        failure_kind: failure.failureKind,
        signature_scheme: r.signatureScheme,
        received_at: r.receivedAt.toISOString(),
        processed_at: r.processedAt ? r.processedAt.toISOString() : null,
        processing_time_ms: r.processingMs,
        error_message: failure.errorMessage,
        payload_size: r.payloadSize,
        correlation_id: r.correlationId,
        duplicate_count: r.duplicateCount,
        last_duplicate_at: r.lastDuplicateAt,
      };
    }),
    nextCursor: rows.length > input.limit && last ? encodeEventCursor({ receivedAt: last.cursorAt, id: last.id }) : null,
  };
}
