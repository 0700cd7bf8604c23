import type { ServerResponse } from 'node:http';

/**
 * A server-sent event stream (the console's `live.changes`): it stays open
 * for minutes and ends when the browser leaves the page. That close is its
 * normal end, not a client giving up on an answer, and its length is not a
 * latency: the request log and the request metrics treat it apart.
 */
export function isEventStream(res: ServerResponse): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}
