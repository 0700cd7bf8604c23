import { initTRPC, TRPCError } from '@trpc/server';
import type { Caller, Role } from '../domain/auth/caller';
import type { Ctx } from '../domain/context';
import { ERROR_MAP } from '../domain/error-map';
import { isDomainError } from '../domain/errors';
import { refuseUnstorable } from '../domain/shared/parse-input';

export interface TrpcContext {
  ctx: Ctx;
  /** Null when nobody is signed in and the console is not open. */
  caller: Caller | null;
  correlationId: string;
  sourceIp: string | undefined;
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error }) {
    // Unknown faults never leak their text (DESIGN.md); the correlation id finds them in the log.
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    return { ...shape, message: internal ? 'An unexpected error occurred.' : shape.message, data: { ...shape.data, stack: undefined } };
  },
});

/** Domain errors become tRPC errors through the one table (server/domain/error-map.ts). */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isDomainError(result.error.cause)) {
    const e = result.error.cause;
    throw new TRPCError({ code: ERROR_MAP[e.kind].trpc as TRPCError['code'], message: e.message, cause: e });
  }
  return result;
});

/** Inputs are held to the same rule as REST bodies: nothing PostgreSQL cannot store gets past the parser. */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  refuseUnstorable(await getRawInput(), 'The input');
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(domainErrors).use(storableInput);

/** A procedure for the given roles: 401 without a caller, 403 with another role. The UI only hides; this decides. */
export function roleProcedure(roles: readonly Role[]) {
  return publicProcedure.use(({ ctx, next, path }) => {
    if (!ctx.caller) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to use the console.' });
    if (!roles.includes(ctx.caller.role)) {
      ctx.ctx.audit.record({
        actor: ctx.caller.name,
        action: 'auth.forbidden',
        outcome: 'failure',
        target: `trpc ${path}`,
        sourceIp: ctx.sourceIp,
        correlationId: ctx.correlationId,
      });
      throw new TRPCError({ code: 'FORBIDDEN', message: `Your role (${ctx.caller.role}) cannot do this; it needs ${roles.join(' or ')}.` });
    }
    return next({ ctx: { ...ctx, caller: ctx.caller } });
  });
}

export const readProcedure = roleProcedure(['viewer', 'operator', 'admin']);
/** DESIGN.md "Access": force sync and its polling are a client app's too, whichever API it calls. */
export const clientProcedure = roleProcedure(['client', 'operator', 'admin']);
export const pollingProcedure = roleProcedure(['client', 'viewer', 'operator', 'admin']);
export const operatorProcedure = roleProcedure(['operator', 'admin']);
export const adminProcedure = roleProcedure(['admin']);
