import { useParams } from 'wouter';
import { StatusBadge } from '../../../components/badge';
import { ButtonLink, UnavailableButton } from '../../../components/button';
import { Card } from '../../../components/card';
import { DescriptionList } from '../../../components/description-list';
import { PageHeader } from '../../../components/page-header';
import { AgentProgress } from '../../../components/progress-bar';
import { RelativeTime } from '../../../components/relative-time';
import { Callout, EmptyState, ErrorState, LoadingState } from '../../../components/states';
import { isNotFound } from '../../../lib/api-error';
import { formatDateTime, formatDuration, formatNumber, humanize } from '../../../lib/format';
import { useLastError } from '../../../hooks/use-last-error';
import { useCan } from '../../../lib/session';
import { useWorkflow } from '../hooks/use-workflows';
import { AgentTimeline } from './agent-timeline';
import { RerunButton } from './rerun-dialog';
import { ReplayWorkflowButton } from './replay-workflow-dialog';
import { WorkflowEvents } from './workflow-events';

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export function WorkflowDetailPage() {
  const params = useParams<{ workflowId: string }>();
  const workflowId = decode(params.workflowId);
  const q = useWorkflow(workflowId);
  const error = useLastError(q);
  const canRerun = useCan('rerun');
  const canReplay = useCan('replay');
  const crumbs = [{ label: 'Workflows', href: '/workflows' }, { label: workflowId }];

  if (!q.data && error) {
    return (
      <>
        <PageHeader title={<span className="mono">{workflowId}</span>} documentTitle={workflowId} crumbs={crumbs} />
        {isNotFound(error) ? (
          <EmptyState title="No callback for this workflow yet" action={<ButtonLink href="/workflows">All workflows</ButtonLink>}>
            A workflow appears with Opal’s first callback. A workflow started a moment ago shows up here by itself; this page keeps checking.
          </EmptyState>
        ) : (
          <ErrorState error={error} onRetry={() => void q.refetch()} />
        )}
      </>
    );
  }
  if (!q.data) {
    return (
      <>
        <PageHeader title={<span className="mono">{workflowId}</span>} documentTitle={workflowId} crumbs={crumbs} />
        <LoadingState label="Loading workflow…" rows={6} />
      </>
    );
  }

  const d = q.data;
  const wf = d.workflow;
  const status = wf?.status ?? 'pending';
  return (
    <>
      <PageHeader
        crumbs={crumbs}
        documentTitle={workflowId}
        title={<span className="mono">{workflowId}</span>}
        description={(canRerun || canReplay) && 'Re-run asks Opal again (a new workflow, new callbacks); Replay re-applies the events already stored here (fixes our processing failures, never what Opal reported).'}
        meta={
          <>
            <StatusBadge status={status} />
            {wf?.started_at && (
              <span className="muted">
                started <RelativeTime iso={wf.started_at} />
              </span>
            )}
            {wf?.duration_ms != null && <span className="muted">took {formatDuration(wf.duration_ms)}</span>}
            {status === 'running' && <span className="muted">· live, updated every 2 s</span>}
          </>
        }
        actions={
          <>
            {canRerun && (d.can_rerun ? <RerunButton workflowId={workflowId} sync={d.sync} /> : <UnavailableButton reason="This workflow was not started by this server, so its original inputs are unknown. Start a new force sync instead.">Re-run</UnavailableButton>)}
            {canReplay && <ReplayWorkflowButton workflowId={workflowId} />}
          </>
        }
      />
      {wf?.error && (
        <Callout tone="bad" title="The workflow reported a failure" role="note">
          {wf.error}
        </Callout>
      )}
      {wf && wf.unknown_agents.length > 0 && (
        <Callout tone="warn" title="Callbacks from agents outside strategy_workflow's nine">
          Recorded and flagged, not refused: {wf.unknown_agents.join(', ')}.
        </Callout>
      )}
      <div className="grid grid-2">
        <Card title="Summary" id="summary">
          <DescriptionList
            columns={2}
            items={[
              { label: 'Status', value: <StatusBadge status={status} /> },
              { label: 'Progress', value: <AgentProgress completed={d.progress.agents_completed} failed={d.progress.agents_failed} total={d.progress.agents_total} /> },
              { label: 'Started', value: <span title={formatDateTime(wf?.started_at)}>{formatDateTime(wf?.started_at)}</span> },
              { label: 'Finished', value: formatDateTime(wf?.finished_at) },
              { label: 'Duration', value: formatDuration(wf?.duration_ms) },
              { label: 'Last event', value: <RelativeTime iso={wf?.last_event_at} /> },
              { label: 'Events', value: formatNumber(wf?.event_count ?? d.events.length) },
              { label: 'Agents running', value: formatNumber(d.progress.agents_running) },
            ]}
          />
        </Card>
        <Card title="Force sync" id="sync">
          {d.sync ? (
            <DescriptionList
              columns={2}
              items={[
                { label: 'Sync id', value: <span className="mono small">{d.sync.sync_id}</span> },
                { label: 'Kind', value: humanize(d.sync.kind) },
                { label: 'Scope', value: d.sync.sync_scope ?? '—' },
                { label: 'Client', value: d.sync.client_name ?? '—' },
                { label: 'Requested by', value: d.sync.requested_by },
                { label: 'Requested', value: <RelativeTime iso={d.sync.requested_at} /> },
              ]}
            />
          ) : (
            <p className="muted">Started outside this server (first seen through a callback), so it cannot be re-run from here.</p>
          )}
        </Card>
      </div>
      <Card title="Agent timeline" id="agents" flush>
        <AgentTimeline agents={d.agents} startedAt={wf?.started_at ?? null} finishedAt={wf?.finished_at ?? null} />
      </Card>
      <Card title={`Events (${d.events.length})`} id="events" flush>
        <WorkflowEvents events={d.events} />
      </Card>
    </>
  );
}
