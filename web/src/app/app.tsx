import { lazy, Suspense } from 'react';
import { LoadingState, ErrorState } from '../components/states';
import { useSession } from '../lib/session';
import { AppProviders } from './providers';
import { AppRoutes, preloadScreen } from './routes';
import { Shell } from './shell/shell';

const LoginPage = lazy(() => import('../features/auth/components/login-page').then((m) => ({ default: m.LoginPage })));

// The screen being opened loads while the session is read, not after.
preloadScreen(window.location.pathname);

export function App() {
  return (
    <AppProviders>
      <AuthGate />
    </AppProviders>
  );
}

/** The session decides: signed in (or the console is open) → the console; otherwise → sign in. */
function AuthGate() {
  const session = useSession();
  if (session.isPending) {
    return (
      <div className="full-page">
        <LoadingState label="Connecting to the server…" />
      </div>
    );
  }
  if (session.isError) {
    return (
      <div className="full-page">
        <ErrorState title="The console cannot reach the server" error={session.error} onRetry={() => void session.refetch()} />
      </div>
    );
  }
  if (!session.data.authenticated) {
    return (
      <Suspense fallback={<div className="full-page"><LoadingState /></div>}>
        <LoginPage />
      </Suspense>
    );
  }
  return (
    <Shell session={session.data}>
      <AppRoutes />
    </Shell>
  );
}
