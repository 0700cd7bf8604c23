import { defineVerb } from '../access/define-verb';
import type { RequestCtx } from '../access/request-context';

/** What the console needs to know about who is looking, and whether it is open. */
export const describeSession = defineVerb({
  action: 'session.describe',
  access: 'public',
  run: async function describeSession({ ctx }: { ctx: RequestCtx }) {
    const caller = (await ctx.identify()).actor;
    const consoleOpen = !ctx.config.admin.password;
    return {
      authenticated: caller !== null,
      console_open: consoleOpen,
      // The console shows this as a banner: nobody has to sign in.
      open_reason: consoleOpen ? 'ADMIN_PASSWORD is not set: the console is open to anyone who can reach it (development only).' : null,
      user: caller ? { name: caller.name, role: caller.role, via: caller.via } : null,
      environment: ctx.config.nodeEnv,
    };
  },
});
