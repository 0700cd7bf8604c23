import { Badge } from '../../../components/badge';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { RelativeTime } from '../../../components/relative-time';
import { Callout } from '../../../components/states';
import { DataTable } from '../../../components/table';
import { errorMessage } from '../../../lib/api-error';
import { useSession } from '../../../lib/session';
import { type ConsoleUser, useUpdateUser, useUsers } from '../hooks/use-settings-data';
import { CreateUserForm } from './create-user-form';

const ROLES = ['viewer', 'operator', 'admin'] as const;

/** Console users and their roles (admin only). Disabling a user ends their sessions at once. */
export function UsersPanel() {
  const users = useUsers();
  const update = useUpdateUser();
  const me = useSession().data?.user?.name;
  const isMe = (u: ConsoleUser) => u.email.toLowerCase() === me?.toLowerCase();
  return (
    <div className="grid grid-2-1 grid-align-start">
      <Card title="Users" id="users" flush>
        {update.isError && (
          <div className="card-toolbar">
            <Callout tone="bad" title="The change was not saved" role="alert">
              {errorMessage(update.error)}
            </Callout>
          </div>
        )}
        <DataTable
          label="Users"
          rows={users.data}
          isLoading={users.isPending}
          error={users.error}
          onRetry={() => void users.refetch()}
          rowKey={(u) => u.user_id}
          rowClassName={(u) => (u.disabled ? 'row-muted' : undefined)}
          columns={[
            {
              key: 'email',
              header: 'E-mail',
              cell: (u) => (
                <>
                  {u.email} {isMe(u) && <Badge tone="accent">you</Badge>}
                </>
              ),
            },
            {
              key: 'role',
              header: 'Role',
              width: '140px',
              cell: (u) => (
                <select
                  className="input input-sm"
                  aria-label={`Role of ${u.email}`}
                  value={u.role}
                  disabled={isMe(u) || update.isPending}
                  title={isMe(u) ? 'You cannot change your own role' : undefined}
                  onChange={(e) => update.mutate({ userId: u.user_id, role: e.target.value as (typeof ROLES)[number] })}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              ),
            },
            { key: 'state', header: 'State', width: '90px', cell: (u) => (u.disabled ? <Badge tone="neutral">disabled</Badge> : <Badge tone="ok">active</Badge>) },
            {
              key: 'created',
              header: 'Created',
              width: '150px',
              secondary: true,
              cell: (u) => (
                <span className="small">
                  <RelativeTime iso={u.created_at} /> <span className="muted">by {u.created_by}</span>
                </span>
              ),
            },
            {
              key: 'actions',
              header: <span className="visually-hidden">Actions</span>,
              width: '100px',
              align: 'right',
              cell: (u) =>
                isMe(u) ? null : (
                  <Button size="sm" variant={u.disabled ? 'secondary' : 'danger'} aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`} disabled={update.isPending} onClick={() => update.mutate({ userId: u.user_id, disabled: !u.disabled })}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      <Card title="Add a user" id="add-user">
        <CreateUserForm />
        <dl className="role-legend">
          <dt>viewer</dt>
          <dd>reads everything</dd>
          <dt>operator</dt>
          <dd>also force sync, re-run, replay</dd>
          <dt>admin</dt>
          <dd>also users, audit log, cleanup</dd>
        </dl>
      </Card>
    </div>
  );
}
