import { REJECTION_REASONS } from '@contracts/diagnostics';
import { Badge } from '../../../components/badge';
import { Button } from '../../../components/button';
import { CopyButton } from '../../../components/copy-button';
import { Pager } from '../../../components/pager';
import { RelativeTime } from '../../../components/relative-time';
import { Callout, EmptyState } from '../../../components/states';
import { type Column, DataTable } from '../../../components/table';
import { useCursorPages } from '../../../hooks/use-cursor-pages';
import { useUrlParams } from '../../../hooks/use-url-params';
import { formatBytes, formatNumber, humanize, shortId } from '../../../lib/format';
import { type Rejection, useReceiverHealth, useRejections } from '../hooks/use-events';
import { SystemHealthCard } from './system-health';

/** The receiver's refusal reasons (server/domain/webhooks/rejection-recorder.ts); the filter is exact. */
const SIGNATURE = new Set(['missing_signature', 'malformed_signature', 'invalid_signature', 'stale_timestamp', 'future_timestamp', 'unauthorized_tool_call']);

const columns: Column<Rejection>[] = [
  { key: 'at', header: 'Received', width: '100px', cell: (r) => <RelativeTime iso={r.received_at} /> },
  { key: 'reason', header: 'Reason', width: '170px', cell: (r) => <Badge tone={SIGNATURE.has(r.reason) ? 'bad' : 'warn'}>{humanize(r.reason)}</Badge> },
  { key: 'detail', header: 'Detail', cell: (r) => <span className="small wrap">{r.detail ?? '—'}</span> },
  { key: 'source', header: 'Source', width: '120px', cell: (r) => <span className="mono small">{r.source_ip ?? '—'}</span> },
  { key: 'size', header: 'Size', width: '70px', align: 'right', cell: (r) => formatBytes(r.body_size) },
  {
    key: 'hash',
    header: 'Body SHA-256',
    width: '190px',
    cell: (r) =>
      r.body_sha256 ? (
        <span className="hash">
          <span className="mono small" title={r.body_sha256}>
            {shortId(r.body_sha256)}
          </span>
          <CopyButton text={r.body_sha256} label={`Copy the body hash ${shortId(r.body_sha256)}`} />
        </span>
      ) : (
        <span className="muted">—</span>
      ),
  },
  { key: 'scheme', header: 'Scheme', width: '120px', secondary: true, cell: (r) => <span className="small">{r.signature_scheme ?? '—'}</span> },
  { key: 'n', header: 'Count', width: '64px', align: 'right', cell: (r) => (r.occurrences > 1 ? <span title="Refusals counted together under a flood">×{formatNumber(r.occurrences)}</span> : '1') },
  { key: 'corr', header: 'Correlation id', width: '150px', secondary: true, cell: (r) => <span className="mono small">{r.correlation_id ? shortId(r.correlation_id, 10) : '—'}</span> },
];

/** Deliveries the receiver refused: reason, source, size and a hash of the body, never the body (unverified, so never stored). */
export function RefusedDeliveries() {
  const { values, cursor, update } = useUrlParams(['reason'] as const);
  const q = useRejections({ reason: values.reason, cursor });
  const health = useReceiverHealth();
  const pages = useCursorPages(cursor, (c) => update({ cursor: c }, { keepCursor: true }));
  const rows = q.data?.rejections;
  const known: readonly string[] = REJECTION_REASONS;
  const options = known.includes(values.reason) || !values.reason ? known : [values.reason, ...known];
  return (
    <>
      <SystemHealthCard health={health.data} error={health.error} onRetry={() => void health.refetch()} />
      <Callout role="note">
        A refused delivery’s body is never stored (it was not verified). Its SHA-256 and size let you find it in the sender’s logs; the correlation id finds it in ours.
      </Callout>
      <div className="toolbar" role="search" aria-label="Filter refused deliveries">
        <select className="input" aria-label="Reason" value={values.reason} onChange={(e) => update({ reason: e.target.value || null })}>
          <option value="">Any reason</option>
          {options.map((r) => (
            <option key={r} value={r}>
              {humanize(r)}
            </option>
          ))}
        </select>
        <span className="toolbar-spacer" />
        {q.isFetching && <span className="spinner" role="status" aria-label="Refreshing" />}
      </div>
      <div className="card card-table">
        <DataTable
          label="Refused deliveries"
          columns={columns}
          rows={rows}
          rowKey={(r) => r.id}
          isLoading={q.isPending}
          error={q.error}
          onRetry={() => void q.refetch()}
          rowClassName={(r) => (SIGNATURE.has(r.reason) ? 'row-bad' : 'row-warn')}
          empty={
            values.reason ? (
              <EmptyState title={`No deliveries refused for “${humanize(values.reason)}”`} action={<Button onClick={() => update({ reason: null })}>Any reason</Button>} />
            ) : (
              <EmptyState title="No refused deliveries">Every delivery so far had a valid signature, a fresh timestamp and a readable body.</EmptyState>
            )
          }
        />
        {rows && rows.length > 0 && <Pager label="Refused delivery pages" summary={`Page ${pages.page}`} hasPrevious={pages.hasPrevious} onFirst={pages.first} onPrevious={pages.previous} nextCursor={q.data?.next_cursor} onNext={pages.next} />}
      </div>
    </>
  );
}
