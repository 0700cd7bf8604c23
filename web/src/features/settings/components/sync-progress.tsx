import { Link } from 'wouter';
import { StatusBadge, toneOf } from '../../../components/badge';
import { ButtonLink } from '../../../components/button';
import { DescriptionList } from '../../../components/description-list';
import { AgentProgress } from '../../../components/progress-bar';
import { RelativeTime } from '../../../components/relative-time';
import { Callout, EmptyState, ErrorState, LoadingState } from '../../../components/states';
import { useLastError } from '../../../hooks/use-last-error';
import { isNotFound } from '../../../lib/api-error';
import { formatDuration, humanize } from '../../../lib/format';
import { FINISHED_SYNC, useSyncStatus } from '../hooks/use-settings-data';

export function SyncProgress({ syncId }: { syncId: string }) {
  const q = useSyncStatus(syncId);
  const error = useLastError(q);
  const s = q.data;
  if (!s) {
    if (error) return isNotFound(error) ? <EmptyState title="No such force sync">{syncId}</EmptyState> : <ErrorState error={error} onRetry={() => void q.refetch()} />;
    return <LoadingState label="Asking the server…" />;
  }
  const finished = FINISHED_SYNC.has(s.status);
  const workflowId = s.opal.workflow_id;
  return (
    <div className="sync-progress" aria-label="Force sync progress" role="region">
      <div className="sync-head">
        <StatusBadge status={s.status} />
        <AgentProgress completed={s.progress.agents_completed} failed={s.progress.agents_failed} total={s.progress.agents_total} />
        {!finished && <span className="spinner" role="status" aria-label="Following live" />}
      </div>
      <ul className="chips" aria-label="Agents">
        {s.agents
          .filter((a) => a.known_agent)
          .map((a) => (
            <li key={a.agent_id} className={`chip chip-${toneOf(a.status)}`} title={a.error ?? `${humanize(a.agent_id)}: ${a.status}`}>
              <span className="badge-dot" aria-hidden="true" />
              {humanize(a.agent_id)}
              <span className="visually-hidden">: {a.status}</span>
            </li>
          ))}
      </ul>
      {s.opal.error && (
        <Callout tone="bad" title="Opal did not start the workflow" role="alert">
          {s.opal.error}
        </Callout>
      )}
      {s.workflow?.error && (
        <Callout tone="bad" title="The workflow failed" role="status">
          {s.workflow.error}
        </Callout>
      )}
      {finished && s.status === 'completed' && (
        <Callout tone="ok" title="Completed" role="status">
          All agents reported in {formatDuration(s.workflow?.duration_ms)}.
        </Callout>
      )}
      {finished && workflowId && (
        <div>
          <ButtonLink href={`/workflows/${encodeURIComponent(workflowId)}`} variant={s.status === 'completed' ? 'secondary' : 'primary'}>
            Open the workflow
          </ButtonLink>
        </div>
      )}
      <DescriptionList
        columns={2}
        items={[
          {
            label: 'Workflow',
            value: workflowId ? (
              <Link href={`/workflows/${encodeURIComponent(workflowId)}`} className="mono">
                {workflowId}
              </Link>
            ) : (
              '—'
            ),
          },
          { label: 'Sync id', value: <span className="mono small">{s.sync_id}</span> },
          { label: 'Scope', value: s.sync_scope ?? '—' },
          { label: 'Client', value: s.client_name ?? '—' },
          { label: 'Opal', value: `${s.opal.mode}${s.opal.attempts ? ` · ${s.opal.attempts} ${s.opal.attempts === 1 ? 'attempt' : 'attempts'}` : ''}${s.opal.latency_ms !== null ? ` · ${s.opal.latency_ms} ms` : ''}` },
          { label: 'Requested', value: <RelativeTime iso={s.requested_at} /> },
          { label: 'Events received', value: String(s.events.length) },
          { label: 'Correlation id', value: <span className="mono small">{s.correlation_id}</span> },
        ]}
      />
    </div>
  );
}
