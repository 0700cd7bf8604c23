import { useSearchParams } from 'wouter';
import { Card } from '../../../components/card';
import { Callout } from '../../../components/states';
import { useCan, useSession } from '../../../lib/session';
import { ForceSyncForm } from './force-sync-form';
import { SyncProgress } from './sync-progress';

/**
 * Start a force sync and watch it: the sync being followed is `?sync=<id>`
 * in the URL, so a reload (or a shared link) keeps following it.
 */
export function ForceSyncPanel() {
  const [params, setParams] = useSearchParams();
  const syncId = params.get('sync');
  const canStart = useCan('forceSync');
  const role = useSession().data?.user?.role;
  return (
    <div className="grid grid-2 grid-align-start">
      <Card title="Start a force sync" id="force-sync">
        {canStart ? (
          <ForceSyncForm onStarted={(id) => setParams({ sync: id })} />
        ) : (
          <Callout title="Your role cannot start a force sync">Your role ({role ?? 'none'}) can read; starting a force sync needs operator or admin.</Callout>
        )}
      </Card>
      <Card title="Progress" id="sync-progress">
        {syncId ? <SyncProgress syncId={syncId} /> : <p className="muted">Start a force sync to follow it here: Opal’s answer, the workflow, and each of the nine agents as their callbacks arrive.</p>}
      </Card>
    </div>
  );
}
