import { watchChangesInputSchema } from '../contracts/live';
import { watchChanges } from '../domain/live/watch-changes';
import { asTrpcError, callVerb, router } from './trpc';

/**
 * `live.changes`: the console's stream of what changed (server-sent events,
 * `httpSubscriptionLink`). The verb's errors while streaming (the session
 * ended) reach the client as tRPC errors, as a query's would.
 */
export const liveRouter = router({
  changes: callVerb(watchChanges)
    .input(watchChangesInputSchema)
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        yield* await watchChanges({ ctx, input: { kinds: input.kinds, signal } });
      } catch (e) {
        throw asTrpcError(e);
      }
    }),
});
