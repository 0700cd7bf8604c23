import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { signOsa } from '../../server/domain/webhooks/signature/osa-signature';

export interface LoadResult {
  requestsPerSec: number;
  latency: { p50: number; p97_5: number; p99: number; max: number };
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
  /** Event ids answered 202 (the ledger), and every event id sent. */
  accepted: Set<string>;
  sent: number;
  answered: number;
}

// Enough prepared requests for ~9,000 req/s (above this machine's bare ceiling); more are built on the fly.
const PREPARED_PER_SECOND = 9_000;
const PREPARED_MAX = 150_000;

const FILLER = 'Opal agent output used as realistic padding for a ~1 KB callback body. '.repeat(9);

/** A realistic ~1 KB callback body. */
export function eventBody(runId: string, n: number): { eventId: string; text: string } {
  const eventId = `${runId}-${n}`;
  const text = JSON.stringify({
    event_type: 'agent.completed',
    workflow_id: `bench-${runId}-${Math.floor(n / 20)}`,
    agent_id: 'content_review',
    offset: n % 20,
    timestamp: new Date().toISOString(),
    event_id: eventId,
    execution_status: 'success',
    agent_data: { summary: FILLER, score: n % 100, items: [1, 2, 3] },
    metadata: { source: 'bench' },
  });
  return { eventId, text };
}

/**
 * Drives `url` with unique, correctly signed events (OSA scheme) at
 * `connections` for `seconds`, keeping a ledger of which event ids got 202.
 * `sign: false` sends the same kind of body unsigned (the bare baseline).
 */
export async function runLoad(opts: { url: string; secret: string; connections: number; seconds: number; sign: boolean; runId: string }): Promise<LoadResult> {
  let n = 0;
  let answered = 0;
  const accepted = new Set<string>();
  const statuses: Record<string, number> = {};
  const build = (i: number) => {
    const { eventId, text } = eventBody(opts.runId, i);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.sign) headers['x-osa-signature'] = signOsa({ secret: opts.secret, rawBody: text, timestampMs: Date.now() });
    return { eventId, headers, body: text };
  };
  // Built and signed before the clock starts, for the baseline and the server
  // alike: the load generator shares the machine's two cores with the server,
  // and its own per-request work would otherwise be measured as the server's.
  const prepared = Array.from({ length: Math.min(PREPARED_MAX, opts.seconds * PREPARED_PER_SECOND) }, (_, i) => build(i));
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/api/webhooks/opal-workflow',
        setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
          const i = n++;
          const { eventId, headers, body } = prepared[i] ?? build(i);
          context.eventId = eventId;
          return { ...req, headers, body };
        },
        onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
          answered++;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 202) accepted.add(String(context.eventId));
        },
      },
    ],
  } as unknown as autocannon.Options);
  return {
    requestsPerSec: result.requests.average,
    latency: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses,
    accepted,
    sent: n,
    answered,
  };
}

export const newRunId = () => randomUUID().slice(0, 8);
