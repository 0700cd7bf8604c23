import { useParams } from 'wouter';
import { PageHeader } from '../../../components/page-header';
import { EmptyState } from '../../../components/states';
import { SubNav } from '../../../components/sub-nav';
import { useCan } from '../../../lib/session';
import { AuditLogPanel } from './audit-log-panel';
import { ConfigurationPanel } from './configuration-panel';
import { ForceSyncPanel } from './force-sync-panel';
import { ReplayHistoryPanel } from './replay-history-panel';
import { UsersPanel } from './users-panel';

export function SettingsPage() {
  const { tab } = useParams<{ tab?: string }>();
  const isAdmin = useCan('manageUsers');
  const items = [
    { href: '/settings', label: 'Configuration' },
    { href: '/settings/force-sync', label: 'Force sync' },
    { href: '/settings/replays', label: 'Replays' },
    ...(isAdmin
      ? [
          { href: '/settings/users', label: 'Users' },
          { href: '/settings/audit', label: 'Audit log' },
        ]
      : []),
  ];
  return (
    <>
      <PageHeader title="Settings" description="Configuration checks, Opal and the circuit breaker, force sync, replay history, users and the audit log." />
      <SubNav label="Settings sections" items={items} />
      {tab === undefined && <ConfigurationPanel />}
      {tab === 'force-sync' && <ForceSyncPanel />}
      {tab === 'replays' && <ReplayHistoryPanel />}
      {tab === 'users' && (isAdmin ? <UsersPanel /> : <AdminOnly what="Managing users" />)}
      {tab === 'audit' && (isAdmin ? <AuditLogPanel /> : <AdminOnly what="The audit log" />)}
      {tab !== undefined && !['force-sync', 'replays', 'users', 'audit'].includes(tab) && <EmptyState title="No such settings section" />}
    </>
  );
}

function AdminOnly({ what }: { what: string }) {
  return <EmptyState title={`${what} needs the admin role`}>Ask an admin to change your role.</EmptyState>;
}
