import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** `%` and `:` escaped, so that the colon between two ids is the only one (migration 0004 rewrote older keys). */
const escapeId = (id: string) => id.replaceAll('%', '%25').replaceAll(':', '%3A');

/**
 * DESIGN.md's dedup key: the delivery id of a Standard Webhooks sender, else
 * Opal's own event id, else a hash of what makes the event itself. Ids
 * without `%` or `:` give exactly `ev:<workflow_id>:<event_id>`.
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
  if (e.sourceEventId) return `ev:${escapeId(e.workflowId)}:${escapeId(e.sourceEventId)}`;
  const identity = canonicalize([e.workflowId, e.eventType, e.agentId ?? null, e.offset ?? null, e.agentData ?? null]);
  return `h:${createHash('sha256').update(identity ?? '').digest('hex')}`;
}
