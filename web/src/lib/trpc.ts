import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '../../../server/trpc/app-router';
import { connectionStatus } from './connection-status';

/** The typed API of the server: `useTRPC()` gives query/mutation options for every procedure. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export function createApiClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // The live stream (live.changes) is server-sent events; everything else is batched fetches.
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: '/trpc' }),
        false: httpBatchLink({
          url: '/trpc',
          // The session cookie is httpOnly and same-origin; the server refuses cross-site writes.
          fetch: trackedFetch,
        }),
      }),
    ],
  });
}

/**
 * Every request the console makes tells the shell whether the server is
 * there: no answer (or a gateway/unavailable answer) marks it unreachable,
 * any other answer marks it live. Per attempt, so retries count too.
 */
async function trackedFetch(url: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, credentials: 'same-origin' });
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'AbortError')) connectionStatus.failed('unreachable', 'The server did not answer.');
    throw e;
  }
  if (res.status === 502 || res.status === 504) connectionStatus.failed('unreachable', `A proxy could not reach the server (${res.status}).`);
  else if (res.status === 503) connectionStatus.failed('unavailable', 'The server answered 503: its database or Opal is unavailable right now.');
  else connectionStatus.succeeded();
  return res;
}
