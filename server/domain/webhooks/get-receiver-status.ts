import { defineVerb } from '../access/define-verb';
import { gte, inArray, max, sql } from 'drizzle-orm';
import { webhookEvents, webhookRejections } from '../../db/schema';
import type { Ctx } from '../context';

const SIGNATURE_REASONS = ['missing_signature', 'malformed_signature', 'invalid_signature', 'stale_timestamp', 'future_timestamp'];

/** `GET /api/webhooks/opal-workflow`: what the receiver accepts and how it has been doing. Counts only. */
export const getReceiverStatus = defineVerb({
  action: 'system.receiver',
  access: 'public',
  run: async function getReceiverStatus({ ctx }: { ctx: Ctx }) {
    const since = new Date(ctx.now() - 24 * 3600_000);
    const [events] = await ctx.db
      .select({
        received: sql<number>`count(*)::int`,
        processingFailures: sql<number>`(count(*) filter (where ${webhookEvents.processingStatus} = 'failed'))::int`,
        pending: sql<number>`(count(*) filter (where ${webhookEvents.processingStatus} = 'pending'))::int`,
        reportedFailures: sql<number>`(count(*) filter (where ${webhookEvents.outcome} = 'failure'))::int`,
      })
      .from(webhookEvents)
      .where(gte(webhookEvents.receivedAt, since));
    const [rejections] = await ctx.db
      .select({
        total: sql<number>`coalesce(sum(${webhookRejections.occurrences}), 0)::int`,
        signature: sql<number>`coalesce(sum(${webhookRejections.occurrences}) filter (where ${inArray(webhookRejections.reason, SIGNATURE_REASONS)}), 0)::int`,
      })
      .from(webhookRejections)
      .where(gte(webhookRejections.receivedAt, since));
    const [last] = await ctx.db.select({ at: max(webhookEvents.receivedAt) }).from(webhookEvents);

    const received = events?.received ?? 0;
    const signatureFailures = rejections?.signature ?? 0;
    const attempts = received + signatureFailures;
    return {
      receiver: 'opal-workflow',
      accepting: true,
      signature_schemes: [
        { name: 'osa', header: 'X-OSA-Signature: t=<unix ms>,v1=<hex>' },
        { name: 'standard_webhooks', header: 'webhook-id, webhook-timestamp, webhook-signature: v1,<base64>' },
      ],
      timestamp_window: { max_age_seconds: 300, max_future_seconds: 60 },
      max_body_bytes: ctx.config.webhook.maxBytes,
      last_24h: {
        events_received: received,
        processing_failures: events?.processingFailures ?? 0,
        reported_failures: events?.reportedFailures ?? 0,
        pending_events: events?.pending ?? 0,
        refused_deliveries: rejections?.total ?? 0,
        signature_failures: signatureFailures,
        // Percent of signed deliveries whose signature failed.
        signature_failure_rate: attempts === 0 ? 0 : Math.round((signatureFailures / attempts) * 10_000) / 100,
      },
      last_event_at: last?.at ? last.at.toISOString() : null,
    };
  },
});
