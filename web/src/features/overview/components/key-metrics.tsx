import type { LatencyCard, RateCard } from '@contracts/metrics';
import { formatDuration, formatNumber, formatPercent } from '../../../lib/format';
import type { Metrics } from '../hooks/use-overview-data';

type Tone = 'ok' | 'bad' | undefined;
const toneOf = (ok: boolean | null): Tone => (ok === null ? undefined : ok ? 'ok' : 'bad');
const VERDICT = { ok: 'meets target', bad: 'misses target', none: 'no data' } as const;

interface CardView {
  label: string;
  value: string | null;
  target: string;
  ok: boolean | null;
  detail: string;
}

function rate(label: string, c: RateCard, noun: string): CardView {
  return {
    label,
    value: c.value === null ? null : formatPercent(c.value, c.value % 1 === 0 ? 0 : 1),
    target: c.target === null ? 'no target' : `target ≥ ${formatPercent(c.target, 0)}`,
    ok: c.ok,
    detail: c.total === 0 ? `no ${noun} in this range` : `${formatNumber(c.succeeded)} of ${formatNumber(c.total)} ${noun}`,
  };
}

function latency(label: string, c: LatencyCard, noun: string): CardView {
  return {
    label,
    value: c.p95 === null ? null : `P95 ${formatDuration(c.p95)}`,
    target: c.target_ms === null ? 'no target' : `target P95 < ${formatDuration(c.target_ms)}`,
    ok: c.ok,
    detail: c.count === 0 ? `no ${noun} in this range` : `P50 ${formatDuration(c.p50)} · P99 ${formatDuration(c.p99)} · ${formatNumber(c.count)} ${noun}`,
  };
}

/**
 * The runbook's key metrics, each against its target and coloured by
 * whether it holds. Nothing counted is "No data", never a made-up 100 %.
 */
export function KeyMetrics({ m }: { m: Metrics }) {
  const k = m.key_metrics;
  const cards: CardView[] = [
    rate('Force sync success rate', k.force_sync_success_rate, 'force syncs'),
    latency('Webhook processing time', k.webhook_processing_time, 'events'),
    rate('Workflow completion rate', k.workflow_completion_rate, 'finished workflows'),
    rate('Agent success rate', k.agent_success_rate, 'agent outcomes'),
    latency('End-to-end time', k.end_to_end_time, 'workflows'),
    rate('Event processing rate', k.event_processing_rate, 'events'),
  ];
  return (
    <div className="metric-cards" role="list" aria-label="Key metrics">
      {cards.map((c) => (
        <MetricCard key={c.label} card={c} />
      ))}
    </div>
  );
}

function MetricCard({ card }: { card: CardView }) {
  const tone = card.value === null ? undefined : toneOf(card.ok);
  const verdict = card.value === null ? VERDICT.none : tone ? VERDICT[tone] : 'no target';
  return (
    <div className={['stat', 'metric-card', tone ? `stat-${tone}` : 'stat-none'].join(' ')} role="listitem" aria-label={card.label}>
      <div className="stat-label">{card.label}</div>
      <div className={card.value === null ? 'stat-value stat-value-none' : 'stat-value'}>{card.value ?? 'No data'}</div>
      <div className="metric-target">
        <span className={`metric-verdict metric-verdict-${tone ?? 'none'}`}>{verdict}</span> · {card.target}
      </div>
      <div className="stat-note">{card.detail}</div>
    </div>
  );
}

/** The bucket with the highest duplicate rate, for the note: where a retry storm was. */
function peakOf(m: Metrics): string {
  let peak: Metrics['series']['duplicates'][number] | undefined;
  for (const p of m.series.duplicates) if (p.rate !== null && p.duplicates > 0 && (!peak || p.rate > peak.rate!)) peak = p;
  if (!peak) return '';
  const perHour = m.range.bucket_ms >= 3_600_000;
  const at = new Date(peak.t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return ` · peak ${formatPercent(peak.rate!, 1)} ${perHour ? 'in the hour from' : 'at'} ${at}`;
}

/** The figures behind the cards: what is in flight now, and the answer times the runbook also watches. */
export function SecondaryMetrics({ m }: { m: Metrics }) {
  const k = m.key_metrics;
  const items = [
    { label: 'Active workflows', value: formatNumber(m.active_workflows), note: 'running now' },
    { label: 'Pending events', value: formatNumber(m.pending_events), note: 'stored, not yet applied', tone: m.pending_events > 100 ? ('bad' as const) : undefined },
    {
      label: 'Webhook acceptance',
      value: k.webhook_acceptance_rate.value === null ? 'No data' : formatPercent(k.webhook_acceptance_rate.value),
      note: `${formatNumber(m.totals.refused_deliveries)} refused`,
    },
    {
      label: 'Signature failure rate',
      value: k.signature_failure_rate.value === null ? 'No data' : formatPercent(k.signature_failure_rate.value, 2),
      note: `warning above ${formatPercent(k.signature_failure_rate.target, 0)}`,
      tone: toneOf(k.signature_failure_rate.ok),
    },
    {
      label: 'Duplicate rate',
      value: k.duplicate_rate.value === null ? 'No data' : formatPercent(k.duplicate_rate.value, 1),
      note: `${formatNumber(k.duplicate_rate.duplicates)} copies of ${formatNumber(k.duplicate_rate.deliveries)} deliveries${peakOf(m)}`,
    },
    {
      label: 'Force sync response',
      value: k.force_sync_response_time.p95 === null ? 'No data' : `P95 ${formatDuration(k.force_sync_response_time.p95)}`,
      note: k.force_sync_response_time.target_ms === null ? '' : `target < ${formatDuration(k.force_sync_response_time.target_ms)}`,
      tone: toneOf(k.force_sync_response_time.ok),
    },
    {
      label: 'Webhook answer time',
      value: k.webhook_response_time.avg === null ? 'No data' : `avg ${formatDuration(k.webhook_response_time.avg)}`,
      note: `target < ${formatDuration(k.webhook_response_time.target_ms)}`,
      tone: toneOf(k.webhook_response_time.ok),
    },
    {
      label: 'Opal call latency',
      value: k.opal_call_latency.p95 === null ? 'No data' : `P95 ${formatDuration(k.opal_call_latency.p95)}`,
      note: `${formatNumber(k.opal_call_latency.count)} calls`,
    },
  ];
  return (
    <dl className="mini-stats" aria-label="More figures">
      {items.map((i) => (
        <div key={i.label} className={['mini-stat', i.tone ? `mini-stat-${i.tone}` : ''].join(' ')}>
          <dt>{i.label}</dt>
          <dd>
            <span className="mini-stat-value">{i.value}</span>
            {i.note && <span className="mini-stat-note"> {i.note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
