import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { eq } from 'drizzle-orm';
import { eventIdInputSchema } from '../../contracts/workflows';
import { webhookEvents } from '../../db/schema';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { duplicateColumns } from '../webhooks/duplicate-copies';
import { sanitisePayload } from './sanitise-payload';

/** One stored event for its detail view: timings, both states, the error, and the sanitised payload. */
export const getEvent = defineVerb({
  action: 'events.get',
  access: ACCESS.read,
  run: async function getEvent({ ctx, input }: { ctx: Ctx; input: { eventId: string } }) {
    if (!eventIdInputSchema.safeParse(input).success) throw notFound(`No event ${input.eventId}.`);
    const [e] = await ctx.db
      .select({
        id: webhookEvents.id,
        workflowId: webhookEvents.workflowId,
        eventType: webhookEvents.eventType,
        agentId: webhookEvents.agentId,
        knownAgent: webhookEvents.knownAgent,
        offset: webhookEvents.eventOffset,
        sourceEventId: webhookEvents.sourceEventId,
        signatureScheme: webhookEvents.signatureScheme,
        payload: webhookEvents.payload,
        payloadSize: webhookEvents.payloadSize,
        eventTimestamp: webhookEvents.eventTimestamp,
        receivedAt: webhookEvents.receivedAt,
        processedAt: webhookEvents.processedAt,
        processingMs: webhookEvents.processingMs,
        processingStatus: webhookEvents.processingStatus,
        processingError: webhookEvents.processingError,
        outcome: webhookEvents.outcome,
        outcomeError: webhookEvents.outcomeError,
        correlationId: webhookEvents.correlationId,
        ...duplicateColumns(webhookEvents.id),
      })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, input.eventId));
    if (!e) throw notFound(`No event ${input.eventId}.`);
    return {
      event_id: e.id,
      workflow_id: e.workflowId,
      event_type: e.eventType,
      agent_id: e.agentId,
      known_agent: e.knownAgent,
      offset: e.offset,
      source_event_id: e.sourceEventId,
      signature_scheme: e.signatureScheme,
      payload: sanitisePayload(e.payload),
      payload_size: e.payloadSize,
      event_timestamp: e.eventTimestamp?.toISOString() ?? null,
      received_at: e.receivedAt.toISOString(),
      processed_at: e.processedAt?.toISOString() ?? null,
      processing_ms: e.processingMs,
      processing_status: e.processingStatus,
      processing_error: e.processingError,
      outcome: e.outcome,
      outcome_error: e.outcomeError,
      failure_kind: e.processingStatus === 'failed' ? 'processing' : e.outcome === 'failure' ? 'reported' : null,
      correlation_id: e.correlationId,
      duplicate_count: e.duplicateCount,
      last_duplicate_at: e.lastDuplicateAt,
    };
  },
});
