import { Link, useParams } from 'wouter';
import { Badge, StatusBadge } from '../../../components/badge';
import { Card } from '../../../components/card';
import { DescriptionList } from '../../../components/description-list';
import { JsonViewer } from '../../../components/json-viewer';
import { PageHeader } from '../../../components/page-header';
import { RelativeTime } from '../../../components/relative-time';
import { Callout, EmptyState, ErrorState, LoadingState } from '../../../components/states';
import { isNotFound } from '../../../lib/api-error';
import { formatBytes, formatDateTime, formatDuration, formatNumber } from '../../../lib/format';
import { useCan } from '../../../lib/session';
import { type EventDetail, useEvent } from '../hooks/use-event';
import { ReceivedCopies } from './received-copies';
import { ReplayEventButton } from './replay-event-dialog';

const SCHEMES: Record<string, string> = { osa: 'OSA (X-OSA-Signature)', standard_webhooks: 'Standard Webhooks', opal_tool: 'Opal tool call (bearer token)' };

export function EventDetailPage() {
  const { eventId } = useParams<{ eventId: string }>();
  const q = useEvent(eventId);
  const canReplay = useCan('replay');
  const e = q.data;
  const crumbs = [{ label: 'Events', href: '/events' }, ...(e?.workflow_id ? [{ label: e.workflow_id, href: `/workflows/${encodeURIComponent(e.workflow_id)}` }] : []), { label: e?.event_type ?? eventId }];

  if (q.isPending) {
    return (
      <>
        <PageHeader title="Event" crumbs={crumbs} />
        <LoadingState label="Loading event…" rows={6} />
      </>
    );
  }
  if (!e) {
    return (
      <>
        <PageHeader title="Event" crumbs={crumbs} />
        {isNotFound(q.error) ? <EmptyState title="No such event">No stored event has the id {eventId}. It may have been removed by retention.</EmptyState> : <ErrorState error={q.error} onRetry={() => void q.refetch()} />}
      </>
    );
  }

  return (
    <>
      <PageHeader
        crumbs={crumbs}
        documentTitle={`${e.event_type} event`}
        title={<span className="mono">{e.event_type}</span>}
        meta={
          <>
            <span className="mono muted small">{e.event_id}</span>
            <span className="muted">
              received <RelativeTime iso={e.received_at} />
            </span>
            <ReceivedCopies duplicateCount={e.duplicate_count} />
          </>
        }
        actions={canReplay && <ReplayEventButton e={e} />}
      />
      <FailureExplanation e={e} />
      <div className="grid grid-2">
        <Card title="Processing (this system)" id="processing">
          <DescriptionList
            items={[
              { label: 'Status', value: <StatusBadge status={e.processing_status} /> },
              { label: 'Processed', value: e.processed_at ? <RelativeTime iso={e.processed_at} /> : 'not yet' },
              { label: 'Processing time', value: formatDuration(e.processing_ms) },
              { label: 'Error', value: e.processing_error ? <span className="text-bad">{e.processing_error}</span> : '—' },
            ]}
          />
        </Card>
        <Card title="Outcome (what the event reports)" id="outcome">
          <DescriptionList
            items={[
              { label: 'Outcome', value: <StatusBadge status={e.outcome} /> },
              { label: 'Reported error', value: e.outcome_error ? <span className="text-bad">{e.outcome_error}</span> : '—' },
              { label: 'Agent', value: e.agent_id ? <AgentValue e={e} /> : '—' },
              { label: 'Offset', value: <span className="mono">{e.offset ?? '—'}</span> },
            ]}
          />
        </Card>
      </div>
      <Card title="Delivery" id="delivery">
        <DescriptionList
          columns={3}
          items={[
            { label: 'Workflow', value: e.workflow_id ? <Link href={`/workflows/${encodeURIComponent(e.workflow_id)}`} className="mono">{e.workflow_id}</Link> : '—' },
            { label: 'Signature scheme', value: SCHEMES[e.signature_scheme] ?? e.signature_scheme },
            { label: 'Payload size', value: formatBytes(e.payload_size) },
            { label: 'Received', value: formatDateTime(e.received_at) },
            {
              label: 'Copies after it',
              value:
                e.duplicate_count > 0 ? (
                  <>
                    {formatNumber(e.duplicate_count)} (received {formatNumber(e.duplicate_count + 1)}×), last {formatDateTime(e.last_duplicate_at)}
                  </>
                ) : (
                  'none: received once'
                ),
            },
            { label: 'Event timestamp', value: formatDateTime(e.event_timestamp) },
            { label: 'Source event id', value: <span className="mono small">{e.source_event_id ?? '—'}</span> },
            { label: 'Correlation id', value: <span className="mono small">{e.correlation_id}</span> },
          ]}
        />
      </Card>
      <Card title="Payload" id="payload" actions={<span className="muted small">Sanitised: secrets and tokens are shown as [redacted]</span>}>
        <JsonViewer value={e.payload} label="Payload" />
      </Card>
    </>
  );
}

function AgentValue({ e }: { e: EventDetail }) {
  return (
    <>
      <span className="mono">{e.agent_id}</span> {!e.known_agent && <Badge tone="warn">not one of the nine</Badge>}
    </>
  );
}

/** The two kinds of failure are fixed differently; say which this is and what can fix it. */
function FailureExplanation({ e }: { e: EventDetail }) {
  if (e.failure_kind === 'processing') {
    return (
      <Callout tone="bad" title="Processing failed: our side" role="note">
        This system stored the event but could not apply it{e.processing_error ? ` (${e.processing_error})` : ''}. Replay re-runs processing and is what fixes this.
      </Callout>
    );
  }
  if (e.failure_kind === 'reported') {
    return (
      <Callout tone="warn" title="Reported failure: Opal's side" role="note">
        The event itself reports a failure{e.outcome_error ? ` (${e.outcome_error})` : ''}; we processed it correctly. Replay cannot change what Opal reported; re-running the workflow (a new force sync with the same inputs) can.
      </Callout>
    );
  }
  if (e.processing_status === 'pending') {
    return <Callout title="Waiting to be processed">The event is stored; the projection worker has not applied it yet.</Callout>;
  }
  return null;
}
