import type { LoginInput } from '../../contracts/auth';
import { defineVerb } from '../access/define-verb';
import type { RequestCtx } from '../access/request-context';
import { login, logout } from './sessions';

/** Console sign-in: anyone may try; login audits every attempt, and the transport limits the rate. */
export const signIn = defineVerb({
  action: 'session.signIn',
  access: 'public',
  run: ({ ctx, input }: { ctx: RequestCtx; input: LoginInput }) =>
    login({ ctx, input: { ...input, sourceIp: ctx.sourceIp, correlationId: ctx.correlationId } }),
});

/** Ends the session a cookie names (nothing when there is none). */
export const signOut = defineVerb({
  action: 'session.signOut',
  access: 'public',
  run: async ({ ctx, input }: { ctx: RequestCtx; input: { token: string | undefined } }) => {
    if (input.token) await logout({ ctx, input: { token: input.token } });
  },
});
