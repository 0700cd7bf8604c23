import { StatusBadge } from '../../../components/badge';
import { RelativeTime } from '../../../components/relative-time';
import { type Column, DataTable } from '../../../components/table';
import { useNow } from '../../../hooks/use-now';
import { formatDuration, humanize } from '../../../lib/format';
import type { WorkflowDetail } from '../hooks/use-workflows';

type Agent = WorkflowDetail['agents'][number];

/**
 * The nine agents in order, each with a bar placed on the workflow's own
 * time axis (start → finish, or now while it runs): overlaps, gaps and the
 * slow agent are visible at a glance.
 */
export function AgentTimeline({ agents, startedAt, finishedAt }: { agents: Agent[]; startedAt: string | null; finishedAt: string | null }) {
  const now = useNow();
  const times = agents.flatMap((a) => [a.started_at, a.finished_at]).filter((t): t is string => Boolean(t)).map((t) => Date.parse(t));
  const t0 = startedAt ? Date.parse(startedAt) : times.length ? Math.min(...times) : now;
  const t1 = finishedAt ? Date.parse(finishedAt) : Math.max(now, ...times);
  const span = Math.max(t1 - t0, 1);
  const pos = (t: number) => Math.min(100, Math.max(0, ((t - t0) / span) * 100));

  const columns: Column<Agent>[] = [
    {
      key: 'agent',
      header: 'Agent',
      width: '240px',
      cell: (a) => (
        <div className="cell-stack">
          <span>{humanize(a.agent_id)}</span>
          <span className="mono muted small">
            {a.agent_id}
            {!a.known_agent && <span className="text-warn"> · not one of the nine</span>}
          </span>
        </div>
      ),
    },
    { key: 'status', header: 'Status', width: '110px', cell: (a) => <StatusBadge status={a.status} /> },
    {
      key: 'bar',
      header: 'Timeline',
      cell: (a) => {
        if (!a.started_at) return <div className="timeline-track" aria-hidden="true" />;
        const start = pos(Date.parse(a.started_at));
        const end = a.finished_at ? pos(Date.parse(a.finished_at)) : pos(now);
        return (
          <div className="timeline-track" aria-hidden="true">
            <div className={`timeline-bar timeline-${a.status}`} style={{ left: `${start}%`, width: `max(${end - start}%, 3px)` }} />
          </div>
        );
      },
    },
    { key: 'started', header: 'Started', width: '100px', cell: (a) => <RelativeTime iso={a.started_at} fallback="not yet" /> },
    { key: 'duration', header: 'Duration', width: '90px', align: 'right', cell: (a) => (a.status === 'running' ? <span className="muted">running</span> : formatDuration(a.duration_ms)) },
  ];
  return (
    <>
      <DataTable label="Agent timeline" columns={columns} rows={agents} rowKey={(a) => a.agent_id} rowClassName={(a) => (a.status === 'failed' ? 'row-bad' : undefined)} />
      {agents.some((a) => a.error) && (
        <ul className="agent-errors" aria-label="Agent errors">
          {agents
            .filter((a) => a.error)
            .map((a) => (
              <li key={a.agent_id}>
                <strong>{humanize(a.agent_id)}:</strong> <span className="text-bad">{a.error}</span>
              </li>
            ))}
        </ul>
      )}
    </>
  );
}
