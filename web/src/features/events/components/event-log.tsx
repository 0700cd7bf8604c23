import { Link } from 'wouter';
import { Button } from '../../../components/button';
import { Pager } from '../../../components/pager';
import { RelativeTime } from '../../../components/relative-time';
import { EmptyState } from '../../../components/states';
import { type Column, DataTable } from '../../../components/table';
import { useCursorPages } from '../../../hooks/use-cursor-pages';
import { useLastError } from '../../../hooks/use-last-error';
import { formatBytes, formatDuration, humanize } from '../../../lib/format';
import { useCan } from '../../../lib/session';
import { useEventFilters } from '../hooks/use-event-filters';
import { type LogEvent, PAGE_SIZE, useEventLog } from '../hooks/use-events';
import { useLiveLog } from '../hooks/use-live-log';
import { BulkReplayButton } from './bulk-replay-dialog';
import { EventFilters } from './event-filters';
import { NewEventsBanner } from './new-events-banner';
import { EventState } from './failure-kind';
import { ReceivedCopies } from './received-copies';
import { SystemHealthCard } from './system-health';

const columns: Column<LogEvent>[] = [
  {
    key: 'received',
    header: 'Received',
    width: '110px',
    cell: (e) => (
      <div className="cell-stack">
        <RelativeTime iso={e.received_at} />
        <ReceivedCopies duplicateCount={e.duplicate_count} />
      </div>
    ),
  },
  {
    key: 'type',
    header: 'Event',
    cell: (e) => (
      <div className="cell-stack">
        <Link href={`/events/${e.id}`} className="mono link-strong" aria-label={`${e.event_type} ${e.agent_id ?? ''} at offset ${e.offset ?? '—'}`.replace(/\s+/g, ' ')}>
          {e.event_type}
        </Link>
        {e.agent_id && <span className="muted small">{humanize(e.agent_id)}</span>}
      </div>
    ),
  },
  {
    key: 'workflow',
    header: 'Workflow',
    cell: (e) => (
      <Link href={`/workflows/${encodeURIComponent(e.workflow_id)}`} className="mono small">
        {e.workflow_id}
      </Link>
    ),
  },
  { key: 'offset', header: 'Offset', width: '64px', align: 'right', cell: (e) => <span className="mono">{e.offset ?? '—'}</span> },
  { key: 'state', header: 'State', width: '150px', cell: (e) => <EventState e={e} /> },
  { key: 'took', header: 'Took', width: '70px', align: 'right', cell: (e) => formatDuration(e.processing_time_ms) },
  { key: 'error', header: 'Error', cell: (e) => (e.error_message ? <span className={`small wrap ${e.failure_kind === 'reported' ? 'text-warn' : 'text-bad'}`}>{e.error_message}</span> : <span className="muted">—</span>) },
  { key: 'size', header: 'Size', width: '70px', align: 'right', secondary: true, cell: (e) => formatBytes(e.payload_size) },
];

/** The webhook log: the receiver's health on top, the diagnostics filters, failures marked by kind, cursor pages. */
export function EventLog() {
  const f = useEventFilters();
  const log = useEventLog(f);
  const error = useLastError(log);
  const pages = useCursorPages(f.cursor, f.setCursor);
  const canReplay = useCan('replay');
  const live = useLiveLog({ newestPage: !f.cursor, refetch: () => void log.refetch(), toNewest: pages.first });
  const rows = log.data?.events;
  return (
    <>
      <SystemHealthCard health={log.data?.system_health} error={error} onRetry={() => void log.refetch()} />
      <EventFilters f={f} />
      <NewEventsBanner waiting={live.waiting} onShow={live.show} />
      <div className="card card-table">
        <div className="card-toolbar">
          <span className="muted small">
            {f.cursor ? 'An older page (not live)' : 'Newest first · live'} · failures marked by kind: <strong className="text-bad">processing failed</strong> (ours, replay fixes) or <strong className="text-warn">reported failure</strong> (Opal’s, re-run fixes)
          </span>
          <span className="toolbar-spacer" />
          {log.isFetching && <span className="spinner" role="status" aria-label="Refreshing" />}
          {canReplay && <BulkReplayButton f={f} />}
        </div>
        <DataTable
          label="Webhook events"
          columns={columns}
          rows={f.payload.ok ? rows : []}
          rowKey={(e) => e.id}
          isLoading={log.isPending && f.payload.ok}
          error={error}
          onRetry={() => void log.refetch()}
          rowClassName={(e) => (e.failure_kind === 'reported' ? 'row-warn' : e.failure_kind ? 'row-bad' : undefined)}
          empty={
            !f.payload.ok ? (
              <EmptyState title="Fix the payload search to see events">{f.payload.error}</EmptyState>
            ) : f.filtered ? (
              <EmptyState title="No events match these filters" action={<Button onClick={f.clear}>Clear filters</Button>} />
            ) : (
              <EmptyState title="No events stored yet">Opal’s callbacks appear here as they arrive. A force sync with the simulator produces twenty within seconds.</EmptyState>
            )
          }
        />
        {f.payload.ok && rows && rows.length > 0 && (
          <Pager
            label="Event pages"
            summary={`Page ${pages.page} · ${rows.length} ${rows.length === 1 ? 'event' : 'events'}${log.data?.pagination.has_more ? ` (${PAGE_SIZE} a page)` : ''}`}
            hasPrevious={pages.hasPrevious}
            onFirst={pages.first}
            onPrevious={pages.previous}
            nextCursor={log.data?.pagination.next_cursor}
            onNext={pages.next}
          />
        )}
      </div>
    </>
  );
}
