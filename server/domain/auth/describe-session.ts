import type { Ctx } from '../context';
import type { Caller } from './caller';

/** What the console needs to know about who is looking, and whether it is open. */
export function describeSession({ ctx, input }: { ctx: Ctx; input: { caller: Caller | null } }) {
  const consoleOpen = !ctx.config.admin.password;
  return {
    authenticated: input.caller !== null,
    console_open: consoleOpen,
    // The console shows this as a banner: nobody has to sign in.
    open_reason: consoleOpen ? 'ADMIN_PASSWORD is not set: the console is open to anyone who can reach it (development only).' : null,
    user: input.caller ? { name: input.caller.name, role: input.caller.role, via: input.caller.via } : null,
    environment: ctx.config.nodeEnv,
  };
}
