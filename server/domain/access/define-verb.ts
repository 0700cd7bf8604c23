import type { Role } from '../../contracts/roles';
import type { Caller } from '../auth/caller';
import { forbidden, unauthorized, type DomainError } from '../errors';
import type { RequestCtx } from './request-context';

/** Who may call a verb: anyone (its own check, if any, is inside: a signature, a tool token), or these roles. */
export type Access = 'public' | readonly Role[];

/** A verb's context once its caller is known to hold one of its roles. */
export interface ActorCtx extends RequestCtx {
  actor: Caller;
}

export interface Verb<I, O> {
  (args: { ctx: RequestCtx; input: I }): Promise<O>;
  /** The audit log's name for it, e.g. "replay.workflow". */
  readonly action: string;
  readonly access: Access;
}

/**
 * The one gate: is this request's caller allowed to run `verb`? A refusal
 * (401 with no valid credentials, 403 with another role) writes its audit row
 * here, with the reason, and nowhere else.
 */
export async function authorize(ctx: RequestCtx, verb: { action: string; access: Access }): Promise<Caller | null> {
  const { actor, problem } = await ctx.identify();
  if (verb.access === 'public') return actor;
  const refuse = (e: DomainError, who: string): never => {
    ctx.audit.record({
      actor: who,
      action: e.kind === 'Forbidden' ? 'auth.forbidden' : 'auth.failed',
      outcome: 'failure',
      target: ctx.target,
      details: { reason: e.message, verb: verb.action },
      sourceIp: ctx.sourceIp,
      correlationId: ctx.correlationId,
    });
    throw e;
  };
  if (!actor) return refuse(unauthorized('Authentication failed', problem ?? 'Invalid or missing authentication key.'), 'unknown');
  if (!verb.access.includes(actor.role)) {
    return refuse(forbidden(`"${actor.name}" has role ${actor.role}; ${verb.action} needs ${verb.access.join(' or ')}.`), actor.name);
  }
  return actor;
}

/**
 * A domain verb: `verb({ ctx, input })` that checks who may call it before
 * it runs (openstatus' services). Transports only build the context and
 * call it, so REST and tRPC accept exactly the same roles.
 */
export function defineVerb<I = void, O = unknown>(spec: {
  action: string;
  access: readonly Role[];
  run: (args: { ctx: ActorCtx; input: I }) => Promise<O> | O;
}): Verb<I, O>;
export function defineVerb<I = void, O = unknown>(spec: {
  action: string;
  access: 'public';
  run: (args: { ctx: RequestCtx; input: I }) => Promise<O> | O;
}): Verb<I, O>;
export function defineVerb<I, O>(spec: {
  action: string;
  access: Access;
  run: (args: { ctx: ActorCtx; input: I }) => Promise<O> | O;
}): Verb<I, O> {
  const verb = async ({ ctx, input }: { ctx: RequestCtx; input: I }): Promise<O> => {
    const actor = await authorize(ctx, spec);
    return spec.run({ ctx: { ...ctx, actor } as ActorCtx, input });
  };
  return Object.assign(verb, { action: spec.action, access: spec.access });
}
