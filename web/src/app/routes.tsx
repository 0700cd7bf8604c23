import { Suspense } from 'react';
import { Route, Switch, useLocation } from 'wouter';
import { LoadingState } from '../components/states';
import { lazyWithPreload } from '../lib/lazy-with-preload';
import { NotFoundPage } from './not-found-page';
import { RouteErrorBoundary } from './route-error-boundary';

// Every screen is its own chunk: the first screen loads only what it needs.
const OverviewPage = lazyWithPreload(() => import('../features/overview/components/overview-page').then((m) => m.OverviewPage));
const WorkflowsPage = lazyWithPreload(() => import('../features/workflows/components/workflows-page').then((m) => m.WorkflowsPage));
const WorkflowDetailPage = lazyWithPreload(() => import('../features/workflows/components/workflow-detail-page').then((m) => m.WorkflowDetailPage));
const EventsPage = lazyWithPreload(() => import('../features/events/components/events-page').then((m) => m.EventsPage));
const EventDetailPage = lazyWithPreload(() => import('../features/events/components/event-detail-page').then((m) => m.EventDetailPage));
const AlertsPage = lazyWithPreload(() => import('../features/alerts/components/alerts-page').then((m) => m.AlertsPage));
const SettingsPage = lazyWithPreload(() => import('../features/settings/components/settings-page').then((m) => m.SettingsPage));

const UUID = /^\/events\/[0-9a-f-]{36}$/i;

/** The screen at a path, to load while the session is still being read (so it is there when the shell renders). */
export function preloadScreen(path: string): void {
  const screen =
    path === '/'
      ? OverviewPage
      : path === '/workflows'
        ? WorkflowsPage
        : path.startsWith('/workflows/')
          ? WorkflowDetailPage
          : path === '/events' || path === '/events/refused'
            ? EventsPage
            : UUID.test(path)
              ? EventDetailPage
              : path === '/alerts'
                ? AlertsPage
                : path.startsWith('/settings')
                  ? SettingsPage
                  : null;
  // A failed preload is retried by the route itself, which shows the error.
  screen?.preload().catch(() => undefined);
}

export function AppRoutes() {
  const [location] = useLocation();
  return (
    <RouteErrorBoundary key={location.split('/')[1]}>
      <Suspense fallback={<LoadingState label="Loading screen…" />}>
        <Switch>
          <Route path="/" component={OverviewPage} />
          <Route path="/workflows" component={WorkflowsPage} />
          <Route path="/workflows/:workflowId" component={WorkflowDetailPage} />
          <Route path="/events" component={EventsPage} />
          <Route path="/events/refused" component={EventsPage} />
          <Route path="/events/:eventId" component={EventDetailPage} />
          <Route path="/alerts" component={AlertsPage} />
          <Route path="/settings" component={SettingsPage} />
          <Route path="/settings/:tab" component={SettingsPage} />
          <Route component={NotFoundPage} />
        </Switch>
      </Suspense>
    </RouteErrorBoundary>
  );
}
