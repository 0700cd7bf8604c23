import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * DESIGN.md's dedup key: the delivery id of a Standard Webhooks sender, else
 * Opal's own event id, else a hash of what makes the event itself.
 */
export function dedupKeyOf(e: {
  webhookId?: string | undefined;
  workflowId: string;
  sourceEventId?: string | undefined;
  eventType: string;
  agentId?: string | undefined;
  offset?: number | undefined;
  agentData?: unknown;
}): string {
  if (e.webhookId) return `wh:${e.webhookId}`;
  if (e.sourceEventId) return `ev:${e.workflowId}:${e.sourceEventId}`;
  const identity = canonicalize([e.workflowId, e.eventType, e.agentId ?? null, e.offset ?? null, e.agentData ?? null]);
  return `h:${createHash('sha256').update(identity ?? '').digest('hex')}`;
}
