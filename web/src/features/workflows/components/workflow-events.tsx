import { useState } from 'react';
import { Link } from 'wouter';
import { StatusBadge } from '../../../components/badge';
import { RelativeTime } from '../../../components/relative-time';
import { EmptyState } from '../../../components/states';
import { type Column, DataTable } from '../../../components/table';
import { formatDuration } from '../../../lib/format';
import type { WorkflowDetail } from '../hooks/use-workflows';

type Event = WorkflowDetail['events'][number];

const isFailure = (e: Event) => e.processing_status === 'failed' || e.outcome === 'failure';

const columns: Column<Event>[] = [
  { key: 'offset', header: 'Offset', width: '64px', align: 'right', cell: (e) => <span className="mono">{e.offset ?? '—'}</span> },
  {
    key: 'type',
    header: 'Event',
    cell: (e) => (
      <Link href={`/events/${e.event_id}`} className="mono link-strong">
        {e.event_type}
      </Link>
    ),
  },
  { key: 'agent', header: 'Agent', cell: (e) => <span className="mono small">{e.agent_id ?? '—'}</span> },
  { key: 'received', header: 'Received', width: '100px', cell: (e) => <RelativeTime iso={e.received_at} /> },
  { key: 'processing', header: 'Processing', width: '110px', cell: (e) => <StatusBadge status={e.processing_status} title="Did this system handle the event?" /> },
  { key: 'outcome', header: 'Outcome', width: '110px', cell: (e) => <StatusBadge status={e.outcome} title="What the event reports" /> },
  { key: 'ms', header: 'Took', width: '70px', align: 'right', secondary: true, cell: (e) => formatDuration(e.processing_ms) },
  { key: 'error', header: 'Error', cell: (e) => (e.error_message ? <span className="text-bad small">{e.error_message}</span> : <span className="muted">—</span>) },
];

/** The workflow's callbacks in offset order; failures (ours or reported) stand out and can be isolated. */
export function WorkflowEvents({ events }: { events: Event[] }) {
  const [onlyFailures, setOnlyFailures] = useState(false);
  const failures = events.filter(isFailure).length;
  const rows = onlyFailures ? events.filter(isFailure) : events;
  return (
    <>
      <div className="card-toolbar">
        <label className="checkbox">
          <input type="checkbox" checked={onlyFailures} onChange={(e) => setOnlyFailures(e.target.checked)} />
          Only failed events ({failures})
        </label>
      </div>
      <DataTable
        label="Workflow events"
        columns={columns}
        rows={rows}
        rowKey={(e) => e.event_id}
        rowClassName={(e) => (isFailure(e) ? 'row-bad' : undefined)}
        empty={<EmptyState title={onlyFailures ? 'No failed events in this workflow' : 'No events stored for this workflow'} />}
      />
    </>
  );
}
