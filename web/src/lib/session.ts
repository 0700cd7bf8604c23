import { useQuery } from '@tanstack/react-query';
import type { ConsoleRole } from '@contracts/auth';
import { type RouterOutputs, useTRPC } from './trpc';

export type Session = RouterOutputs['session'];

/** Who is looking, and whether the console is open (no ADMIN_PASSWORD). Re-read on every 401. */
export function useSession() {
  const trpc = useTRPC();
  return useQuery(trpc.session.queryOptions(undefined, { staleTime: 60_000, refetchInterval: 60_000 }));
}

/**
 * What each role may do. The server decides (every procedure checks the
 * role); the console only hides what would be refused.
 */
export type Permission = 'read' | 'forceSync' | 'rerun' | 'replay' | 'testConfiguration' | 'manageAlerts' | 'cleanup' | 'manageUsers' | 'viewAudit';

const GRANTS: Record<ConsoleRole, readonly Permission[]> = {
  viewer: ['read'],
  operator: ['read', 'forceSync', 'rerun', 'replay', 'testConfiguration', 'manageAlerts'],
  admin: ['read', 'forceSync', 'rerun', 'replay', 'testConfiguration', 'manageAlerts', 'cleanup', 'manageUsers', 'viewAudit'],
};

export function can(role: string | null | undefined, permission: Permission): boolean {
  if (!role || !(role in GRANTS)) return false;
  return GRANTS[role as ConsoleRole].includes(permission);
}

/** The signed-in role's permission, for hiding controls. */
export function useCan(permission: Permission): boolean {
  const { data } = useSession();
  return can(data?.user?.role, permission);
}
