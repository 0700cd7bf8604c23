import { Badge } from '../../components/badge';
import { ButtonLink } from '../../components/button';
import { SignOutButton } from '../../features/auth/components/sign-out-button';
import { can, type Session } from '../../lib/session';
import { ConnectionIndicator } from './connection-indicator';

export function TopBar({ session }: { session: Session }) {
  const user = session.user;
  return (
    <header className="topbar">
      <div className="topbar-left">
        <Badge tone={session.environment === 'production' ? 'bad' : 'neutral'} title="NODE_ENV of the server">
          {session.environment}
        </Badge>
      </div>
      <div className="topbar-right">
        <ConnectionIndicator />
        {can(user?.role, 'forceSync') && (
          <ButtonLink href="/settings/force-sync" variant="primary" size="sm">
            Force sync
          </ButtonLink>
        )}
        {user && (
          <div className="user" aria-label="Signed in user" role="group">
            <span className="user-name" title={`Signed in via ${user.via}`}>
              {user.via === 'open' ? 'Open console' : user.name}
            </span>
            <Badge tone="accent" title="Your role">
              {user.role}
            </Badge>
          </div>
        )}
        {user && user.via === 'session' && <SignOutButton />}
      </div>
    </header>
  );
}
