import { type AnyColumn, sql } from 'drizzle-orm';
import { webhookEventDuplicates as d } from '../../db/schema';

/**
 * What an event read shows of its copies (counted by the appender in
 * `webhook_event_duplicates`): how many arrived after it, and when the last
 * did. Correlated subqueries on the table's primary key (event_id, minute),
 * so a page of events costs one index probe per row.
 */
export function duplicateColumns(eventId: AnyColumn) {
  return {
    duplicateCount: sql<number>`(select coalesce(sum(${d.copies}), 0)::int from ${d} where ${d.eventId} = ${eventId})`,
    lastDuplicateAt: sql<
      string | null
    >`(select to_char(max(${d.lastAt}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') from ${d} where ${d.eventId} = ${eventId})`,
  };
}
