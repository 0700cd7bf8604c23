import { useMutation, useQueryClient } from '@tanstack/react-query';
import { postJson } from '../../../lib/api-error';
import { useTRPC } from '../../../lib/trpc';

/** Sign-in and sign-out are REST (they set and clear the httpOnly cookie); the session query follows. */
export function useLogin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) => postJson<{ success: true }>('/api/auth/login', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.session.queryKey() }),
  });
}

export function useLogout() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => postJson<{ success: true }>('/api/auth/logout'),
    onSettled: async () => {
      // Nothing a signed-out browser should keep: drop every cached answer, then re-read the session.
      queryClient.removeQueries({ predicate: (q) => JSON.stringify(q.queryKey[0]) !== JSON.stringify(['session']) });
      await queryClient.invalidateQueries({ queryKey: trpc.session.queryKey() });
    },
  });
}
