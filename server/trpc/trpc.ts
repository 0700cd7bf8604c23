import { initTRPC, TRPCError } from '@trpc/server';
import { type Access, authorize } from '../domain/access/define-verb';
import type { RequestCtx } from '../domain/access/request-context';
import { isDomainError } from '../domain/errors';
import { refuseUnstorable } from '../domain/shared/parse-input';
import { TRPC_CODE } from './trpc-codes';

/** The per-request context the transport builds (server/http/trpc-handler.ts): the domain verbs' own. */
export type TrpcContext = RequestCtx;

/** Which verb a procedure calls: the role tests compare it with the REST route that calls the same verb. */
export interface TrpcMeta {
  verb: string;
  access: Access;
}

const t = initTRPC
  .context<TrpcContext>()
  .meta<TrpcMeta>()
  .create({
    // Subscriptions (the live stream) are server-sent events: a ping keeps proxies from closing a quiet
    // stream, and a client that hears nothing (not even a ping) for 40 s reconnects.
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
    errorFormatter({ shape, error }) {
      // Unknown faults never leak their text (DESIGN.md); the correlation id finds them in the log.
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      return { ...shape, message: internal ? 'An unexpected error occurred.' : shape.message, data: { ...shape.data, stack: undefined } };
    },
  });

/** Domain errors become tRPC errors through the tRPC side's one table. */
export function asTrpcError(e: unknown): unknown {
  return isDomainError(e) ? new TRPCError({ code: TRPC_CODE[e.kind], message: e.message, cause: e }) : e;
}

const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isDomainError(result.error.cause)) throw asTrpcError(result.error.cause);
  return result;
});

/** Inputs are held to the same rule as REST bodies: nothing PostgreSQL cannot store gets past the parser. */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  refuseUnstorable(await getRawInput(), 'The input');
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const procedure = t.procedure.use(domainErrors).use(storableInput);

/**
 * A procedure that calls `verb`. Who may call it is the verb's to decide, so
 * a procedure names no roles of its own: the verb's are checked (through the
 * verb's own helper) before the input is parsed, as REST does before the
 * body is read, and again by the verb itself.
 */
export const callVerb = (verb: { action: string; access: Access }) =>
  procedure.meta({ verb: verb.action, access: verb.access }).use(async ({ ctx, next }) => {
    await authorize(ctx, verb);
    return next();
  });
