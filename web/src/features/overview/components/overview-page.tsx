import { useEffect, useState } from 'react';
import { ButtonLink } from '../../../components/button';
import { Card } from '../../../components/card';
import { PageHeader } from '../../../components/page-header';
import { RelativeTime } from '../../../components/relative-time';
import { Segmented } from '../../../components/segmented';
import { ErrorState, LoadingState } from '../../../components/states';
import { useLastError } from '../../../hooks/use-last-error';
import { useMetrics } from '../hooks/use-overview-data';
import { useOverviewRange } from '../hooks/use-overview-range';
import { RANGES } from '../lib/chart-data';
import { FiringAlerts } from './firing-alerts';
import { KeyMetrics, SecondaryMetrics } from './key-metrics';
import { ReceiverCard } from './receiver-card';
import { RecentWorkflows } from './recent-workflows';

/*
 * The chart library is the heaviest thing the console loads: its own chunk,
 * requested as the page first renders (alongside the metrics), drawn when
 * both are there. Not React.lazy: a Suspense fallback, once shown, is held
 * for at least 300 ms, which the Overview's time to charts would pay.
 */
type ChartsModule = typeof import('./overview-charts');
let chartsModule: ChartsModule | null = null;
let chartsLoad: Promise<ChartsModule> | null = null;
const loadCharts = () => (chartsLoad ??= import('./overview-charts').then((m) => (chartsModule = m)));

function useChartsModule() {
  const [mod, setMod] = useState(chartsModule);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (mod) return;
    loadCharts().then(setMod, (e: unknown) => {
      chartsLoad = null;
      setError(e);
    });
  }, [mod]);
  return { mod, error };
}

export function OverviewPage() {
  const { range, setRange } = useOverviewRange();
  const charts = useChartsModule();
  const metrics = useMetrics(range);
  const error = useLastError(metrics);
  const m = metrics.data;
  const rangeLabel = RANGES.find((r) => r.value === range)!.title.toLowerCase();
  return (
    <>
      <PageHeader
        title="Overview"
        description="How healthy the loop is: force syncs going out, Opal’s callbacks coming back, workflows completing. Updated every 10 seconds."
        actions={
          <>
            {metrics.isFetching && <span className="spinner" role="status" aria-label="Refreshing metrics" />}
            <Segmented label="Range" options={RANGES} value={range} onChange={setRange} />
          </>
        }
        meta={
          m && (
            <span className="muted small">
              {rangeLabel} · as of <RelativeTime iso={m.generated_at} />
            </span>
          )
        }
      />
      <FiringAlerts />
      {!m ? (
        error ? (
          <ErrorState title="The metrics could not be read" error={error} onRetry={() => void metrics.refetch()} />
        ) : (
          <LoadingState label="Loading metrics…" rows={3} />
        )
      ) : (
        <>
          {error && <ErrorState title="The latest metrics could not be read; showing the previous answer" error={error} onRetry={() => void metrics.refetch()} />}
          <KeyMetrics m={m} />
          <SecondaryMetrics m={m} />
          {charts.mod ? (
            <charts.mod.OverviewCharts m={m} />
          ) : charts.error ? (
            <ErrorState title="The charts could not be loaded" error={charts.error} onRetry={() => window.location.reload()} />
          ) : (
            <LoadingState label="Loading charts…" rows={4} />
          )}
        </>
      )}
      <ReceiverCard />
      <Card title="Recent workflows" id="recent-workflows" flush actions={<ButtonLink href="/workflows" size="sm" variant="ghost">All workflows →</ButtonLink>}>
        <RecentWorkflows />
      </Card>
    </>
  );
}
