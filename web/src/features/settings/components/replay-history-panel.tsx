import { Link } from 'wouter';
import { Badge, StatusBadge } from '../../../components/badge';
import { Card } from '../../../components/card';
import { RelativeTime } from '../../../components/relative-time';
import { EmptyState } from '../../../components/states';
import { DataTable } from '../../../components/table';
import { formatDuration, formatNumber, humanize } from '../../../lib/format';
import { REPLAY_HISTORY_SIZE, type ReplayItem, useReplayHistory } from '../hooks/use-settings-data';

function filterText(f: Record<string, unknown> | null): string {
  if (!f) return '—';
  return Object.entries(f)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => (k === 'event_ids' && Array.isArray(v) ? (v.length === 1 ? `event ${String(v[0]).slice(0, 8)}…` : `${v.length} events`) : `${k}=${String(v)}`))
    .join(' · ');
}

const STATUS_OF: Record<ReplayItem['status'], string> = {
  dry_run: 'pending',
  running: 'running',
  completed: 'completed',
  completed_with_failures: 'failed',
  failed: 'failed',
  cancelled: 'timed_out',
};

/** Every replay, dry runs included: who replayed what, when, why, and what came of it. */
export function ReplayHistoryPanel() {
  const q = useReplayHistory();
  return (
    <Card title="Replay history" id="replays" flush actions={<span className="muted small">Newest first · dry runs included · the last {REPLAY_HISTORY_SIZE}</span>}>
      <DataTable<ReplayItem>
        label="Replay history"
        rows={q.data?.replays}
        isLoading={q.isPending}
        error={q.error}
        onRetry={() => void q.refetch()}
        rowKey={(r) => r.replay_id}
        rowClassName={(r) => (r.status === 'failed' || r.status === 'completed_with_failures' ? 'row-bad' : r.dry_run ? 'row-muted' : undefined)}
        empty={<EmptyState title="No replays yet">Replay a workflow or an event (or bulk-replay failed events from the Events screen); each run, dry runs too, is listed here.</EmptyState>}
        columns={[
          { key: 'at', header: 'When', width: '100px', cell: (r) => <RelativeTime iso={r.created_at} /> },
          { key: 'kind', header: 'Kind', width: '90px', cell: (r) => <Badge tone="neutral">{r.kind}</Badge> },
          {
            key: 'target',
            header: 'Target',
            cell: (r) =>
              r.workflow_id ? (
                <Link href={`/workflows/${encodeURIComponent(r.workflow_id)}`} className="mono small">
                  {r.workflow_id}
                </Link>
              ) : (
                <span className="small">{filterText(r.filter)}</span>
              ),
          },
          { key: 'mode', header: 'Mode', width: '90px', cell: (r) => (r.dry_run ? <Badge tone="accent">dry run</Badge> : <Badge tone="info">replay</Badge>) },
          { key: 'status', header: 'Status', width: '170px', cell: (r) => <StatusBadge status={STATUS_OF[r.status]} label={humanize(r.status)} /> },
          {
            key: 'summary',
            header: 'Events',
            cell: (r) =>
              r.summary ? (
                <span className="small">
                  {formatNumber(r.summary.events_found)} found · {formatNumber(r.summary.events_to_rerun)} {r.dry_run ? 'to re-run' : 're-run'}
                  {!r.dry_run && (
                    <>
                      {' '}
                      · {formatNumber(r.summary.processing_summary.successful_events)} ok · <span className={r.summary.processing_summary.failed_events ? 'text-bad' : undefined}>{formatNumber(r.summary.processing_summary.failed_events)} failed</span>
                    </>
                  )}
                  {r.summary.error && <span className="text-bad"> · {r.summary.error}</span>}
                </span>
              ) : (
                <span className="muted">—</span>
              ),
          },
          { key: 'by', header: 'By', width: '170px', cell: (r) => <span className="small">{r.requested_by}</span> },
          { key: 'reason', header: 'Reason', cell: (r) => (r.reason ? <span className="small">{r.reason}</span> : <span className="muted small">{r.dry_run ? 'none (dry run)' : '—'}</span>) },
          { key: 'took', header: 'Took', width: '80px', align: 'right', secondary: true, cell: (r) => (r.finished_at ? formatDuration(Date.parse(r.finished_at) - Date.parse(r.created_at)) : '—') },
        ]}
      />
    </Card>
  );
}
