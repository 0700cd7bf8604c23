import { type ReactNode, useEffect, useRef } from 'react';
import { useLocation } from 'wouter';
import type { Session } from '../../lib/session';
import { ConnectionBanner } from './connection-banner';
import { LiveUpdates } from './live-updates';
import { OpenConsoleBanner } from './open-console-banner';
import { SideNav } from './side-nav';
import { TopBar } from './top-bar';

export function Shell({ session, children }: { session: Session; children: ReactNode }) {
  useFocusOnNavigation();
  return (
    <div className="app">
      <LiveUpdates />
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <SideNav />
      <div className="main-col">
        {session.console_open && <OpenConsoleBanner reason={session.open_reason} />}
        <TopBar session={session} />
        <ConnectionBanner />
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

/**
 * After navigating to another screen, focus and scroll go to its content,
 * as a page load would (screen readers announce the new page). Changing
 * filters (the query string) keeps focus where it is.
 */
function useFocusOnNavigation() {
  const [path] = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
}
