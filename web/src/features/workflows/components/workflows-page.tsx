import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { StatusBadge } from '../../../components/badge';
import { Button, ButtonLink } from '../../../components/button';
import { PageHeader } from '../../../components/page-header';
import { Pager } from '../../../components/pager';
import { AgentProgress } from '../../../components/progress-bar';
import { RelativeTime } from '../../../components/relative-time';
import { EmptyState } from '../../../components/states';
import { type Column, DataTable } from '../../../components/table';
import { useCursorPages } from '../../../hooks/use-cursor-pages';
import { useDebouncedValue } from '../../../hooks/use-debounced-value';
import { formatDuration, formatNumber, humanize } from '../../../lib/format';
import { useCan } from '../../../lib/session';
import { STATUS_FILTERS, useWorkflowFilters } from '../hooks/use-workflow-filters';
import { PAGE_SIZE, useWorkflowList, type WorkflowRow } from '../hooks/use-workflows';

const columns: Column<WorkflowRow>[] = [
  {
    key: 'id',
    header: 'Workflow',
    cell: (w) => (
      <div className="cell-stack">
        <Link href={`/workflows/${encodeURIComponent(w.workflow_id)}`} className="mono link-strong">
          {w.workflow_id}
        </Link>
        <span className="muted small">{w.client_name ?? (w.sync_id ? 'force sync' : 'started elsewhere')}</span>
      </div>
    ),
  },
  { key: 'status', header: 'Status', width: '120px', cell: (w) => <StatusBadge status={w.status} title={w.error ?? undefined} /> },
  { key: 'progress', header: 'Progress', width: '220px', cell: (w) => <AgentProgress completed={w.agents_completed} failed={w.agents_failed} total={w.agents_total} compact /> },
  { key: 'events', header: 'Events', align: 'right', width: '70px', cell: (w) => formatNumber(w.event_count) },
  { key: 'started', header: 'Started', width: '110px', cell: (w) => <RelativeTime iso={w.started_at} /> },
  { key: 'duration', header: 'Duration', align: 'right', width: '100px', cell: (w) => (w.status === 'running' ? <span className="muted">running</span> : formatDuration(w.duration_ms)) },
  { key: 'last', header: 'Last event', width: '110px', secondary: true, cell: (w) => <RelativeTime iso={w.last_event_at} /> },
];

export function WorkflowsPage() {
  const f = useWorkflowFilters();
  const list = useWorkflowList({ status: f.status, search: f.search, cursor: f.cursor });
  const pages = useCursorPages(f.cursor, f.setCursor);
  const canForceSync = useCan('forceSync');
  const rows = list.data?.workflows;

  return (
    <>
      <PageHeader
        title="Workflows"
        description="Runs of strategy_workflow, most recent activity first. Live: changes appear as Opal reports them."
        actions={canForceSync && <ButtonLink href="/settings/force-sync">Start a force sync</ButtonLink>}
      />
      <div className="toolbar" role="search" aria-label="Filter workflows">
        <div className="segmented" role="group" aria-label="Status">
          {STATUS_FILTERS.map((s) => (
            <button key={s} type="button" className="segmented-item" aria-pressed={f.status === s} onClick={() => f.setStatus(s)}>
              {s === 'all' ? 'All' : humanize(s)}
            </button>
          ))}
        </div>
        <SearchBox value={f.search} onChange={f.setSearch} />
        <span className="toolbar-spacer" />
        {list.isFetching && <span className="spinner" role="status" aria-label="Refreshing" />}
      </div>
      <div className="card card-table">
        <DataTable
          label="Workflows"
          columns={columns}
          rows={rows}
          rowKey={(w) => w.workflow_id}
          isLoading={list.isPending}
          error={list.error}
          onRetry={() => void list.refetch()}
          rowClassName={(w) => (w.status === 'failed' ? 'row-bad' : undefined)}
          empty={
            f.filtered ? (
              <EmptyState title="No workflows match these filters" action={<Button onClick={f.clear}>Clear filters</Button>}>
                {f.status !== 'all' && <>Status: {humanize(f.status)}. </>}
                {f.search && <>Workflow id contains “{f.search}”.</>}
              </EmptyState>
            ) : (
              <EmptyState title="No workflows yet" action={canForceSync ? <ButtonLink href="/settings/force-sync" variant="primary">Start a force sync</ButtonLink> : undefined}>
                A workflow appears here with Opal’s first callback for it.
              </EmptyState>
            )
          }
        />
        {rows && rows.length > 0 && (
          <Pager
            label="Workflow pages"
            summary={`Page ${pages.page} · ${rows.length} ${rows.length === 1 ? 'workflow' : 'workflows'}${rows.length === PAGE_SIZE ? ' shown' : ''}`}
            hasPrevious={pages.hasPrevious}
            onFirst={pages.first}
            onPrevious={pages.previous}
            nextCursor={list.data?.next_cursor}
            onNext={pages.next}
          />
        )}
      </div>
    </>
  );
}

/** Typing filters as you go (debounced), the URL following. */
function SearchBox({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(value);
  const debounced = useDebouncedValue(text, 300);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (debounced.trim() !== value) onChange(debounced);
    // Only the typed text drives the URL (the URL drives the text above).
  }, [debounced]);
  return (
    <input
      type="search"
      className="input input-search"
      placeholder="Search workflow id…"
      aria-label="Search workflow id"
      value={text}
      onChange={(e) => setText(e.target.value)}
    />
  );
}
