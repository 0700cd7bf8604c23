import { Link } from 'wouter';
import { Badge, type Tone } from '../../../components/badge';
import { Card, Stat } from '../../../components/card';
import { RelativeTime } from '../../../components/relative-time';
import { ErrorState, LoadingState } from '../../../components/states';
import { formatDuration, formatNumber, formatPercent, humanize } from '../../../lib/format';
import type { SystemHealth } from '../hooks/use-events';

const STATUS: Record<SystemHealth['webhook_status'], { tone: Tone; label: string }> = {
  healthy: { tone: 'ok', label: 'Healthy' },
  degraded: { tone: 'warn', label: 'Degraded' },
  unhealthy: { tone: 'bad', label: 'Unhealthy' },
  no_data: { tone: 'neutral', label: 'No data' },
};

/**
 * The receiver's system_health (the runbook's first diagnostic): its status
 * and the rule behind it, failure rate, processing times, and what was
 * refused. Over the last hour, or the range the log is filtered to.
 */
export function SystemHealthCard({ health, error, onRetry }: { health: SystemHealth | undefined; error?: unknown; onRetry?: () => void }) {
  if (!health) {
    return (
      <Card title="Receiver health" id="receiver-health">
        {error ? <ErrorState error={error} onRetry={onRetry} /> : <LoadingState label="Reading the receiver’s health…" />}
      </Card>
    );
  }
  const s = STATUS[health.webhook_status];
  const w = health.window;
  const refused = health.refused_deliveries;
  const reasons = Object.entries(refused.by_reason).sort((a, b) => b[1] - a[1]);
  return (
    <Card
      title="Receiver health"
      id="receiver-health"
      actions={
        <>
          <span className="muted small">
            {w.basis === 'last_hour' ? 'last hour' : 'the filtered range'} · {formatNumber(w.events_considered)} events{w.sampled ? ' (newest sampled)' : ''}
          </span>
          <span title={health.thresholds.rule}>
            <Badge tone={s.tone}>{s.label}</Badge>
          </span>
        </>
      }
    >
      <div className="stats">
        <Stat
          label="Failure rate"
          value={formatPercent(health.recent_failure_rate, 2)}
          tone={health.webhook_status === 'unhealthy' ? 'bad' : health.webhook_status === 'degraded' ? 'warn' : health.webhook_status === 'healthy' ? 'ok' : undefined}
          note={`degraded ≥ ${health.thresholds.degraded_failure_rate}%, unhealthy ≥ ${health.thresholds.unhealthy_failure_rate}%`}
        />
        <Stat label="Processing time" value={formatDuration(health.avg_processing_time)} note={`avg · P50 ${formatDuration(health.p50_processing_time)} · P95 ${formatDuration(health.p95_processing_time)} · P99 ${formatDuration(health.p99_processing_time)}`} />
        <Stat label="Events received" value={formatNumber(health.events.received)} note={`${formatNumber(health.events.pending)} pending`} />
        <Stat label="Processing failures" value={formatNumber(health.events.processing_failures)} tone={health.events.processing_failures > 0 ? 'bad' : undefined} note="our side: replay fixes" />
        <Stat label="Reported failures" value={formatNumber(health.events.reported_failures)} tone={health.events.reported_failures > 0 ? 'warn' : undefined} note="Opal’s side: re-run fixes" />
        <Stat
          label="Refused deliveries"
          value={formatNumber(refused.count)}
          tone={refused.count > 0 ? 'warn' : undefined}
          note={
            refused.count > 0 ? (
              <>
                {reasons.map(([r, n]) => `${humanize(r)} ${formatNumber(n)}`).join(' · ')} · <Link href="/events/refused">see them</Link>
              </>
            ) : (
              'bad signatures, stale timestamps…'
            )
          }
        />
      </div>
      {refused.last_reason && (
        <p className="muted small">
          Last refusal: <strong>{humanize(refused.last_reason)}</strong>
          {refused.last_detail ? ` (${refused.last_detail})` : ''} <RelativeTime iso={refused.last_at} />.
        </p>
      )}
    </Card>
  );
}
