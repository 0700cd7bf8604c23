import { Link } from 'wouter';
import { StatusBadge } from '../../../components/badge';
import { AgentProgress } from '../../../components/progress-bar';
import { RelativeTime } from '../../../components/relative-time';
import { EmptyState } from '../../../components/states';
import { DataTable } from '../../../components/table';
import { formatDuration } from '../../../lib/format';
import { useRecentWorkflows } from '../hooks/use-overview-data';

export function RecentWorkflows() {
  const q = useRecentWorkflows();
  return (
    <DataTable
      label="Recent workflows"
      rows={q.data?.workflows}
      isLoading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      rowKey={(w) => w.workflow_id}
      empty={<EmptyState title="No workflows yet">Press Force sync: the simulator (or Opal) calls back within seconds, and the run shows up here.</EmptyState>}
      columns={[
        {
          key: 'id',
          header: 'Workflow',
          cell: (w) => (
            <Link href={`/workflows/${encodeURIComponent(w.workflow_id)}`} className="mono link-strong">
              {w.workflow_id}
            </Link>
          ),
        },
        { key: 'status', header: 'Status', width: '120px', cell: (w) => <StatusBadge status={w.status} /> },
        { key: 'progress', header: 'Progress', width: '220px', cell: (w) => <AgentProgress completed={w.agents_completed} failed={w.agents_failed} total={w.agents_total} compact /> },
        { key: 'duration', header: 'Duration', width: '100px', align: 'right', cell: (w) => (w.status === 'running' ? <span className="muted">running</span> : formatDuration(w.duration_ms)) },
        { key: 'last', header: 'Last event', width: '110px', cell: (w) => <RelativeTime iso={w.last_event_at} /> },
      ]}
    />
  );
}
