import { Badge, StatusBadge } from '../../../components/badge';
import { Button } from '../../../components/button';
import { PageHeader } from '../../../components/page-header';
import { RelativeTime } from '../../../components/relative-time';
import { Segmented } from '../../../components/segmented';
import { EmptyState } from '../../../components/states';
import { type Column, DataTable } from '../../../components/table';
import { useNow } from '../../../hooks/use-now';
import { formatDateTime, formatDuration, formatNumber, formatPercent, humanize } from '../../../lib/format';
import { useCan } from '../../../lib/session';
import { ALERT_FILTERS, type AlertRow, type SilenceRow, useAlertFilter, useAlerts } from '../hooks/use-alerts';
import { AlertActions, LiftSilenceButton } from './alert-actions';

/** A rule's figure in its own unit (the rule stores it in `details.unit`). */
function formatFigure(v: number | null, unit: unknown): string {
  if (v === null) return '—';
  if (unit === 'percent') return formatPercent(v);
  if (unit === 'ms') return formatDuration(v);
  return formatNumber(v);
}

function thresholdText(a: AlertRow): string {
  const d = a.details ?? {};
  const fires = typeof d.fires === 'string' ? `${d.fires} ` : '';
  const resolve = typeof d.resolve_threshold === 'number' ? `; resolves at ${formatFigure(d.resolve_threshold, d.unit)}` : '';
  return `${fires}${formatFigure(a.threshold, d.unit)}${resolve}`;
}

function Duration({ a }: { a: AlertRow }) {
  const now = useNow();
  const end = a.resolved_at ? Date.parse(a.resolved_at) : now;
  const text = formatDuration(Math.max(0, end - Date.parse(a.fired_at)));
  return a.resolved_at ? <>{text}</> : <span className="text-bad">{text}, ongoing</span>;
}

function When({ iso }: { iso: string | null }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <div className="cell-stack">
      <RelativeTime iso={iso} />
      <span className="muted small">{formatDateTime(iso)}</span>
    </div>
  );
}

const STATE_BADGE: Record<AlertRow['state'], { status: string; label: string }> = {
  firing: { status: 'failed', label: 'Firing' },
  acknowledged: { status: 'half_open', label: 'Acknowledged' },
  silenced: { status: 'disabled', label: 'Silenced' },
  resolved: { status: 'completed', label: 'Resolved' },
};

/** Who has it: the acknowledgement with its note, and the silence with its end and reason. */
function Handling({ a }: { a: AlertRow }) {
  if (!a.acknowledged_by && !a.silence) return <span className="muted">—</span>;
  return (
    <div className="cell-stack small">
      {a.acknowledged_by && (
        <span>
          Acknowledged by <strong>{a.acknowledged_by}</strong>
          {a.acknowledge_note ? `: ${a.acknowledge_note}` : ''}
        </span>
      )}
      {a.silence && (
        <span>
          Silenced until {formatDateTime(a.silence.ends_at)} by {a.silence.created_by}: {a.silence.reason}
        </span>
      )}
    </div>
  );
}

const baseColumns: Column<AlertRow>[] = [
  { key: 'state', header: 'State', width: '120px', cell: (a) => <StatusBadge {...STATE_BADGE[a.state]} /> },
  { key: 'severity', header: 'Severity', width: '90px', cell: (a) => <Badge tone={a.severity === 'critical' ? 'bad' : 'warn'}>{a.severity}</Badge> },
  {
    key: 'rule',
    header: 'Rule and message',
    cell: (a) => (
      <div className="cell-stack">
        <span>
          <strong>{humanize(a.rule)}</strong> <span className="mono muted small">{a.rule}</span>
        </span>
        <span className="small wrap">{a.message}</span>
      </div>
    ),
  },
  { key: 'value', header: 'Value', width: '90px', align: 'right', cell: (a) => <span className={a.status === 'firing' ? 'text-bad' : undefined}>{formatFigure(a.value, a.details?.unit)}</span> },
  { key: 'threshold', header: 'Threshold', width: '150px', cell: (a) => <span className="small">{thresholdText(a)}</span> },
  { key: 'fired', header: 'Fired', width: '165px', cell: (a) => <When iso={a.fired_at} /> },
  { key: 'resolved', header: 'Resolved', width: '165px', cell: (a) => <When iso={a.resolved_at} /> },
  { key: 'duration', header: 'Age', width: '120px', align: 'right', cell: (a) => <Duration a={a} /> },
  { key: 'handling', header: 'Acknowledged / silenced', width: '220px', cell: (a) => <Handling a={a} /> },
];
const actionColumn: Column<AlertRow> = { key: 'actions', header: 'Actions', width: '190px', cell: (a) => <AlertActions alert={a} /> };

/** Open silences, firing or not (a rule may be silenced ahead of maintenance), each with its end and a lift button. */
function OpenSilences({ silences, canManage }: { silences: SilenceRow[]; canManage: boolean }) {
  if (silences.length === 0) return null;
  return (
    <section className="card" aria-label="Open silences">
      <h2 className="card-title">Silenced rules</h2>
      <ul className="plain-list">
        {silences.map((x) => (
          <li key={x.id} className="form-actions">
            <span>
              <strong>{humanize(x.rule)}</strong> until {formatDateTime(x.ends_at)} (<RelativeTime iso={x.ends_at} />), by {x.created_by}: {x.reason}
            </span>
            {canManage && <LiftSilenceButton silenceId={x.id} label={humanize(x.rule)} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function AlertsPage() {
  const { status, setStatus } = useAlertFilter();
  const q = useAlerts(status);
  const firing = q.data?.firing_count;
  const canManage = useCan('manageAlerts');
  const columns = canManage ? [...baseColumns, actionColumn] : baseColumns;
  return (
    <>
      <PageHeader
        title="Alerts"
        description="The runbook’s alerting rules, judged every minute: what is firing now, who has it, what is silenced, and when each alert fired and resolved. Updated every 10 seconds."
        meta={
          firing !== undefined && (
            <span className={firing > 0 ? 'text-bad' : 'muted'}>
              {firing === 0 ? 'Nothing firing' : `${firing} firing`}
            </span>
          )
        }
      />
      <div className="toolbar" role="search" aria-label="Filter alerts">
        <Segmented label="Status" options={ALERT_FILTERS} value={status} onChange={setStatus} />
        <span className="toolbar-spacer" />
        {q.isFetching && <span className="spinner" role="status" aria-label="Refreshing" />}
      </div>
      <OpenSilences silences={q.data?.silences ?? []} canManage={canManage} />
      <div className="card card-table">
        <DataTable
          label="Alerts"
          columns={columns}
          rows={q.data?.alerts}
          rowKey={(a) => a.id}
          isLoading={q.isPending}
          error={q.error}
          onRetry={() => void q.refetch()}
          rowClassName={(a) => (a.status === 'firing' ? 'row-bad' : undefined)}
          empty={
            status === 'firing' ? (
              <EmptyState title="No alerts firing" action={<Button onClick={() => setStatus('all')}>Show the history</Button>}>
                Every rule is within its threshold (or has too little data to judge).
              </EmptyState>
            ) : status === 'resolved' ? (
              <EmptyState title="No resolved alerts yet" />
            ) : (
              <EmptyState title="No alerts yet">Alerts appear here when a rule fires: force sync success rate, webhook silence, the database, sign-in failures, response time, backlog, signatures, timed-out workflows.</EmptyState>
            )
          }
        />
      </div>
    </>
  );
}
