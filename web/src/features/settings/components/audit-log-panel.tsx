import { useEffect, useState } from 'react';
import { StatusBadge } from '../../../components/badge';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { Pager } from '../../../components/pager';
import { RelativeTime } from '../../../components/relative-time';
import { EmptyState } from '../../../components/states';
import { DataTable } from '../../../components/table';
import { useCursorPages } from '../../../hooks/use-cursor-pages';
import { useDebouncedValue } from '../../../hooks/use-debounced-value';
import { useUrlParams } from '../../../hooks/use-url-params';
import { type AuditEntry, useAuditLog } from '../hooks/use-settings-data';

/** Actions the server records; the filter also takes any other action name. */
const KNOWN_ACTIONS = ['login', 'auth.failed', 'auth.forbidden', 'user.create', 'user.update', 'workflow.rerun', 'replay', 'retention.cleanup', 'diagnostics.test_configuration'];

function details(d: unknown): string {
  if (d === null || d === undefined) return '';
  if (typeof d !== 'object') return String(d);
  return Object.entries(d as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

export function AuditLogPanel() {
  const { values, cursor, update } = useUrlParams(['action'] as const);
  const [text, setText] = useState(values.action);
  const debounced = useDebouncedValue(text, 300);
  useEffect(() => setText(values.action), [values.action]);
  useEffect(() => {
    if (debounced.trim() !== values.action) update({ action: debounced.trim() || null }, { replace: true });
    // The typed text drives the URL; the URL drives the text above.
  }, [debounced]);
  const log = useAuditLog({ action: values.action, cursor });
  const pages = useCursorPages(cursor, (c) => update({ cursor: c }, { keepCursor: true }));
  const rows = log.data?.entries;

  return (
    <Card title="Audit log" id="audit" flush actions={<span className="muted small">Newest first · sign-ins, refusals, user changes, re-runs, replays, cleanups</span>}>
      <div className="card-toolbar" role="search" aria-label="Filter the audit log">
        <input className="input input-search" type="search" list="audit-actions" aria-label="Filter by action" placeholder="Action, e.g. auth.failed" value={text} onChange={(e) => setText(e.target.value)} />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        {log.isFetching && <span className="spinner" role="status" aria-label="Refreshing" />}
      </div>
      <DataTable<AuditEntry>
        label="Audit log"
        rows={rows}
        isLoading={log.isPending}
        error={log.error}
        onRetry={() => void log.refetch()}
        rowKey={(e) => String(e.id)}
        rowClassName={(e) => (e.outcome === 'failure' ? 'row-bad' : undefined)}
        empty={
          <EmptyState title={values.action ? `No “${values.action}” entries` : 'Nothing recorded yet'} action={values.action ? <Button onClick={() => update({ action: null })}>Clear filter</Button> : undefined} />
        }
        columns={[
          { key: 'at', header: 'When', width: '100px', cell: (e) => <RelativeTime iso={e.at} /> },
          { key: 'actor', header: 'Actor', width: '200px', cell: (e) => <span className="small">{e.actor}</span> },
          { key: 'action', header: 'Action', width: '170px', cell: (e) => <span className="mono small">{e.action}</span> },
          { key: 'target', header: 'Target', cell: (e) => <span className="mono small">{e.target ?? '—'}</span> },
          { key: 'outcome', header: 'Outcome', width: '100px', cell: (e) => <StatusBadge status={e.outcome} /> },
          { key: 'details', header: 'Details', secondary: true, cell: (e) => <span className="muted small wrap">{details(e.details)}</span> },
          { key: 'ip', header: 'Source', width: '110px', secondary: true, cell: (e) => <span className="mono small">{e.source_ip ?? '—'}</span> },
        ]}
      />
      {rows && rows.length > 0 && <Pager label="Audit log pages" summary={`Page ${pages.page}`} hasPrevious={pages.hasPrevious} onFirst={pages.first} onPrevious={pages.previous} nextCursor={log.data?.next_cursor} onNext={pages.next} />}
    </Card>
  );
}
