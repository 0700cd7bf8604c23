import { ACCESS } from '../../contracts/roles';
import type { LiveChange, LiveKind } from '../../contracts/live';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { unauthorized } from '../errors';

/** How often an open stream asks whether its session still stands (sign-out anywhere asks at once). */
export const SESSION_CHECK_MS = 15_000;
/** A client that does not read its stream: past this many waiting changes it gets one resync instead. */
const MAX_QUEUED = 100;

export interface WatchChangesInput {
  kinds: readonly LiveKind[];
  /** The transport's: aborted when the client goes away. */
  signal?: AbortSignal | undefined;
  sessionCheckMs?: number;
}

/**
 * The console's live stream: kinds and ids of what changed, after commit,
 * in any process. It sends no data: the client refetches through the
 * screens' own queries (ACCESS.read, as this stream). It starts with a
 * resync and ends with Unauthorized as soon as the caller's session no
 * longer stands (expired, signed out, user disabled or demoted).
 */
export const watchChanges = defineVerb({
  action: 'live.watch',
  access: ACCESS.read,
  run: ({ ctx, input }: { ctx: ActorCtx; input: WatchChangesInput }) => Promise.resolve(follow(ctx, input)),
});

async function* follow(ctx: ActorCtx, input: WatchChangesInput): AsyncGenerator<LiveChange, void, undefined> {
  const wanted = new Set<string>(input.kinds);
  let queue: LiveChange[] = [];
  let recheck = false;
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  const unsubscribe = ctx.changes.subscribe((c) => {
    if (c.kind === 'session') recheck = true;
    if (c.kind !== 'resync' && !wanted.has(c.kind)) return poke();
    queue.push(c);
    if (queue.length > MAX_QUEUED) queue = [{ kind: 'resync' }];
    poke();
  });
  const timer = setInterval(() => ((recheck = true), poke()), input.sessionCheckMs ?? SESSION_CHECK_MS);
  const stop = AbortSignal.any([ctx.changes.closed, ...(input.signal ? [input.signal] : [])]);
  stop.addEventListener('abort', poke);
  try {
    yield { kind: 'resync' };
    while (!stop.aborted) {
      if (recheck) {
        recheck = false;
        const { actor } = await ctx.identifyAgain();
        if (!actor || !(watchChanges.access as readonly string[]).includes(actor.role)) {
          throw unauthorized('Session ended', 'The session has ended; sign in again.');
        }
        continue;
      }
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    unsubscribe();
    clearInterval(timer);
    stop.removeEventListener('abort', poke);
  }
}
