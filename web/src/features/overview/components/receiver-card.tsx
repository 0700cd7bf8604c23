import { Card, Stat } from '../../../components/card';
import { RelativeTime } from '../../../components/relative-time';
import { ErrorState, LoadingState } from '../../../components/states';
import { formatNumber, formatPercent } from '../../../lib/format';
import { useReceiverStatus } from '../hooks/use-overview-data';

/** The webhook receiver over the last 24 hours: what arrived, what failed, what was refused. */
export function ReceiverCard() {
  const q = useReceiverStatus();
  const r = q.data;
  return (
    <Card
      title="Webhook receiver · last 24 h"
      id="receiver"
      actions={
        r && (
          <span className="muted small">
            Last event <RelativeTime iso={r.last_event_at} fallback="none yet" />
          </span>
        )
      }
    >
      {!r ? (
        q.isError ? <ErrorState error={q.error} onRetry={() => void q.refetch()} /> : <LoadingState />
      ) : (
        <div className="stats">
          <Stat label="Events received" value={formatNumber(r.last_24h.events_received)} />
          <Stat label="Processing failures" value={formatNumber(r.last_24h.processing_failures)} tone={r.last_24h.processing_failures > 0 ? 'bad' : undefined} note="our side; replay fixes" />
          <Stat label="Reported failures" value={formatNumber(r.last_24h.reported_failures)} tone={r.last_24h.reported_failures > 0 ? 'warn' : undefined} note="Opal reported; re-run fixes" />
          <Stat label="Pending" value={formatNumber(r.last_24h.pending_events)} note="stored, not yet applied" />
          <Stat label="Refused deliveries" value={formatNumber(r.last_24h.refused_deliveries)} tone={r.last_24h.refused_deliveries > 0 ? 'warn' : undefined} />
          <Stat label="Signature failure rate" value={formatPercent(r.last_24h.signature_failure_rate, 2)} tone={r.last_24h.signature_failure_rate > 1 ? 'bad' : undefined} note={`${formatNumber(r.last_24h.signature_failures)} bad signatures`} />
        </div>
      )}
    </Card>
  );
}
