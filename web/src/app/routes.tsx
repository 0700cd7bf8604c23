import { lazy, Suspense } from 'react';
import { Route, Switch, useLocation } from 'wouter';
import { LoadingState } from '../components/states';
import { NotFoundPage } from './not-found-page';
import { RouteErrorBoundary } from './route-error-boundary';

// Every screen is its own chunk: the first screen loads only what it needs.
const OverviewPage = lazy(() => import('../features/overview/components/overview-page').then((m) => ({ default: m.OverviewPage })));
const WorkflowsPage = lazy(() => import('../features/workflows/components/workflows-page').then((m) => ({ default: m.WorkflowsPage })));
const WorkflowDetailPage = lazy(() => import('../features/workflows/components/workflow-detail-page').then((m) => ({ default: m.WorkflowDetailPage })));
const EventsPage = lazy(() => import('../features/events/components/events-page').then((m) => ({ default: m.EventsPage })));
const EventDetailPage = lazy(() => import('../features/events/components/event-detail-page').then((m) => ({ default: m.EventDetailPage })));
const AlertsPage = lazy(() => import('../features/alerts/components/alerts-page').then((m) => ({ default: m.AlertsPage })));
const SettingsPage = lazy(() => import('../features/settings/components/settings-page').then((m) => ({ default: m.SettingsPage })));

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
