import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { httpStatusOf, isUnauthorized } from './api-error';

/** How often screens showing live state poll. */
export const POLL_MS = 5_000;
/** A screen following something in progress (a force sync, a running workflow). */
export const LIVE_POLL_MS = 2_000;

/**
 * One client for the app. A 401 anywhere means the session ended: the
 * session is re-read and the login page takes over. (Whether the server
 * answers at all is tracked per request, in lib/trpc.ts.)
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isUnauthorized(error)) void client.invalidateQueries({ queryKey: [['session']] });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        gcTime: 5 * 60_000,
        refetchOnWindowFocus: true,
        // An answer (4xx) will not change by asking again; a missing server might come back.
        retry: (failures, error) => {
          const status = httpStatusOf(error);
          if (status !== null && status < 500) return false;
          return failures < 2;
        },
        retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 8000),
      },
      mutations: { retry: false },
    },
  });
  return client;
}
