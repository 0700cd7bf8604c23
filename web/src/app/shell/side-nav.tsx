import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { useConnectionStatus } from '../../lib/connection-status';
import { useTRPC } from '../../lib/trpc';

const ITEMS = [
  { href: '/', label: 'Overview', icon: '◧' },
  { href: '/workflows', label: 'Workflows', icon: '⇶' },
  { href: '/events', label: 'Events', icon: '≣' },
  { href: '/alerts', label: 'Alerts', icon: '◬' },
  { href: '/settings', label: 'Settings', icon: '⚙' },
];

const isActive = (location: string, href: string) => (href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`));

export function SideNav() {
  const [location] = useLocation();
  return (
    <aside className="sidebar">
      <Link href="/" className="brand" aria-label="OPAL Force Sync, overview">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <span className="brand-text">
          OPAL <span className="muted">Force Sync</span>
        </span>
      </Link>
      <nav aria-label="Main" className="nav">
        <ul>
          {ITEMS.map((item) => (
            <li key={item.href}>
              <Link href={item.href} className="nav-link" aria-current={isActive(location, item.href) ? 'page' : undefined}>
                <span className="nav-icon" aria-hidden="true">
                  {item.icon}
                </span>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <HealthFooter />
    </aside>
  );
}

/** The server's own health, always in view: database reachable, driver, version. */
function HealthFooter() {
  const trpc = useTRPC();
  const health = useQuery(trpc.system.health.queryOptions(undefined, { refetchInterval: 10_000 }));
  const h = health.data;
  // A remembered "reachable" would be misleading while the server does not answer.
  const failure = useConnectionStatus().failure;
  return (
    <div className="sidebar-footer" aria-label="Server health" role="group">
      {failure === 'unreachable' ? (
        <div className="health-line">
          <span className="dot dot-bad" aria-hidden="true" />
          <span>Server not answering</span>
        </div>
      ) : h ? (
        <>
          <div className="health-line">
            <span className={`dot dot-${h.database.reachable ? 'ok' : 'bad'}`} aria-hidden="true" />
            <span>Database {h.database.reachable ? 'reachable' : 'unreachable'}</span>
          </div>
          <div className="muted small">
            {h.database.driver} · v{h.version}
          </div>
        </>
      ) : (
        <div className="muted small">{health.isError ? 'Health unknown' : 'Checking health…'}</div>
      )}
    </div>
  );
}
