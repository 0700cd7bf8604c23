import type { Caller } from '../auth/caller';
import type { Ctx } from '../context';

/** Who is calling, as a transport found out from the request's credentials. */
export interface Identity {
  actor: Caller | null;
  /** Why there is no actor (a bad key, an expired session), for the 401 and its audit row. */
  problem?: string | undefined;
}

/**
 * What a domain verb is called with: the process's services plus this
 * request's correlation id, source address and caller. Each transport (REST,
 * tRPC) builds it once per request; the caller is looked up on first use
 * only, so a public route never pays for a session lookup.
 */
export interface RequestCtx extends Ctx {
  correlationId: string;
  sourceIp: string | undefined;
  /** What was called, for the audit log: "GET /api/opal/sync/:sync_id", "trpc forceSync.status". */
  target: string;
  identify(): Promise<Identity>;
  /** Looks the caller up again, not memoised: a long-lived stream re-checks that its session still stands. */
  identifyAgain(): Promise<Identity>;
}

export function forRequest(
  ctx: Ctx,
  request: { correlationId: string; sourceIp: string | undefined; target: string; identify: () => Promise<Identity> },
): RequestCtx {
  let identity: Promise<Identity> | undefined;
  return {
    ...ctx,
    correlationId: request.correlationId,
    sourceIp: request.sourceIp,
    target: request.target,
    identify: () => (identity ??= request.identify()),
    identifyAgain: () => request.identify(),
  };
}

/** Work the system does on its own behalf (jobs, the simulator's loop): no HTTP request, an internal actor. */
export function forSystem(ctx: Ctx, name: string, correlationId: string): RequestCtx {
  const actor: Caller = { name, role: 'admin', via: 'open' };
  return forRequest(ctx, { correlationId, sourceIp: undefined, target: name, identify: async () => ({ actor }) });
}
