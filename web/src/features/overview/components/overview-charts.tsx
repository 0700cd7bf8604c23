import { type ReactNode, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { Card } from '../../../components/card';
import { formatDateTime, formatDuration, formatNumber, formatPercent, humanize } from '../../../lib/format';
import type { Metrics } from '../hooks/use-overview-data';
import { useSeen } from '../hooks/use-seen';
import { agents, bucketLabel, type CellKind, type ChartTable, duplicateRates, endpoints, latency, requestVolume, seriesTable, sum, tickFormatter, webhookDeliveries, workflowsOverTime } from '../lib/chart-data';

/*
 * Recharts lives in this module only: the Overview imports it lazily, so the
 * cards and alerts appear before the chart library has loaded.
 */

const HEIGHT = 220;
const COLORS = { ok: 'var(--ok)', info: 'var(--info)', warn: 'var(--warn)', bad: 'var(--bad)', neutral: 'var(--neutral)', accent: 'var(--accent)' } as const;
const axis = { stroke: 'var(--border-strong)', tick: { fill: 'var(--text-muted)', fontSize: 11 }, tickLine: false } as const;
const grid = <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />;
const tooltip = {
  contentStyle: { background: 'var(--bg-elev-2)', border: '1px solid var(--border-strong)', borderRadius: 6, fontSize: 12, color: 'var(--text)' },
  labelStyle: { color: 'var(--text-muted)', marginBottom: 4 },
  itemStyle: { padding: 0 },
  cursor: { fill: 'var(--bg-hover)' },
} as const;
const legend = <Legend iconSize={8} wrapperStyle={{ fontSize: 12, color: 'var(--text-muted)' }} />;
const timeLabel = (t: unknown) => formatDateTime(new Date(Number(t)).toISOString());
const rateColor = (rate: number, target: number) => (rate >= target ? COLORS.ok : rate >= target - 5 ? COLORS.warn : COLORS.bad);

/** The Overview's charts over the selected range, each with a text summary for assistive technology. */
export function OverviewCharts({ m }: { m: Metrics }) {
  const span = Date.parse(m.range.to) - Date.parse(m.range.from);
  const per = bucketLabel(m.range.bucket_ms);
  const tick = tickFormatter(span);
  const timeAxis = <XAxis dataKey="t" {...axis} tickFormatter={tick} minTickGap={32} />;
  return (
    <div className="chart-grid">
      <RequestVolume m={m} per={per} timeAxis={timeAxis} />
      <Latency m={m} per={per} timeAxis={timeAxis} />
      <EndpointSuccess m={m} />
      <ErrorsByStatus m={m} />
      <Workflows m={m} per={per} timeAxis={timeAxis} />
      <AgentSuccess m={m} />
      <WebhookDeliveries m={m} per={per} timeAxis={timeAxis} />
      <DuplicateRate m={m} per={per} timeAxis={timeAxis} />
    </div>
  );
}

/**
 * A chart in a card: a figure named by its summary, or a plain sentence when
 * there is nothing to draw. Drawn once the card nears the viewport.
 */
function ChartCard({ id, title, subtitle, summary, empty, table, height = HEIGHT, children }: { id: string; title: string; subtitle: string; summary: string; empty: string | null; table: ChartTable; height?: number; children: ReactNode }) {
  const { ref, seen } = useSeen<HTMLDivElement>();
  return (
    <Card id={id} title={title} actions={<span className="muted small">{subtitle}</span>} className="chart-card">
      <div ref={ref}>
        {empty ? (
          <p className="chart-empty" role="note">
            {empty}
          </p>
        ) : seen ? (
          <>
            <figure className="chart" aria-label={`${title}: ${summary}`}>
              {children}
            </figure>
            <ChartDataTable title={title} table={table} />
          </>
        ) : (
          <div className="chart-pending" style={{ height }} aria-hidden="true" />
        )}
      </div>
    </Card>
  );
}

const CELL: Record<CellKind, (v: number | string) => string> = {
  time: (v) => timeLabel(v),
  count: (v) => formatNumber(Number(v)),
  duration: (v) => formatDuration(Number(v)),
  percent: (v) => formatPercent(Number(v)),
  text: (v) => String(v),
};

/**
 * The chart's text alternative (WCAG 1.1.1): the numbers it draws, as a
 * table behind a "Show as table" toggle; drawn only once opened.
 */
function ChartDataTable({ title, table }: { title: string; table: ChartTable }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="chart-table" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Show as table</summary>
      {open && (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th key={c.label} scope="col" className={c.kind === 'text' || c.kind === 'time' ? undefined : 'num'}>
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r) => (
                <tr key={String(r[0])}>
                  {r.map((v, i) => {
                    const kind = table.columns[i]!.kind;
                    const text = v === null ? '—' : CELL[kind](v);
                    return i === 0 ? (
                      <th key={i} scope="row">
                        {text}
                      </th>
                    ) : (
                      <td key={i} className={kind === 'text' ? undefined : 'num'}>
                        {text}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

/** Counts per time bucket, stacked: the request, workflow and delivery charts. */
function StackedCounts({ data, timeAxis, bars }: { data: object[]; timeAxis: ReactNode; bars: { key: string; name: string; fill: string }[] }) {
  return (
    <BarChart data={data} responsive style={{ width: '100%', height: HEIGHT }} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
      {grid}
      {timeAxis}
      <YAxis {...axis} allowDecimals={false} />
      <Tooltip {...tooltip} labelFormatter={timeLabel} />
      {legend}
      {bars.map((b) => (
        <Bar key={b.key} dataKey={b.key} name={b.name} stackId="counts" fill={b.fill} isAnimationActive={false} />
      ))}
    </BarChart>
  );
}

const REQUEST_BARS = [
  { key: 'ok', name: '2xx/3xx', fill: COLORS.info },
  { key: 'client_errors', name: '4xx', fill: COLORS.warn },
  { key: 'server_errors', name: '5xx', fill: COLORS.bad },
];

function RequestVolume({ m, per, timeAxis }: { m: Metrics; per: string; timeAxis: ReactNode }) {
  const data = requestVolume(m);
  const total = sum(data.map((d) => d.total));
  const c4 = sum(data.map((d) => d.client_errors));
  const c5 = sum(data.map((d) => d.server_errors));
  const peak = Math.max(0, ...data.map((d) => d.total));
  return (
    <ChartCard
      id="chart-requests"
      title="Request volume"
      subtitle={`HTTP requests ${per}`}
      summary={`${formatNumber(total)} requests, ${formatNumber(c4)} client errors, ${formatNumber(c5)} server errors, at most ${formatNumber(peak)} ${per}`}
      empty={total === 0 ? 'No HTTP requests counted in this range yet (the counters reach the database every 10 s).' : null}
      table={seriesTable(data, REQUEST_BARS)}
    >
      <StackedCounts data={data} timeAxis={timeAxis} bars={REQUEST_BARS} />
    </ChartCard>
  );
}

function Latency({ m, per, timeAxis }: { m: Metrics; per: string; timeAxis: ReactNode }) {
  const data = latency(m);
  const card = m.key_metrics.webhook_processing_time;
  const points = data.filter((d) => d.count > 0).length;
  const dot = points < 12 ? { r: 2.5 } : false;
  return (
    <ChartCard
      id="chart-latency"
      title="Processing latency"
      subtitle={`webhook receipt → applied, P50/P95/P99 ${per}`}
      summary={`${formatNumber(card.count)} events, P50 ${formatDuration(card.p50)}, P95 ${formatDuration(card.p95)}, P99 ${formatDuration(card.p99)}`}
      empty={points === 0 ? 'No events were processed in this range.' : null}
      table={seriesTable(
        data.filter((d) => d.count > 0),
        [
          { key: 'p50', name: 'P50' },
          { key: 'p95', name: 'P95' },
          { key: 'p99', name: 'P99' },
        ],
        'duration',
      )}
    >
      <LineChart data={data} responsive style={{ width: '100%', height: HEIGHT }} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        {grid}
        {timeAxis}
        <YAxis {...axis} tickFormatter={(v: number) => formatDuration(v)} width={56} />
        <Tooltip {...tooltip} labelFormatter={timeLabel} formatter={(v) => formatDuration(Number(v))} />
        {legend}
        <Line dataKey="p50" name="P50" stroke={COLORS.ok} dot={dot} connectNulls strokeWidth={1.5} isAnimationActive={false} />
        <Line dataKey="p95" name="P95" stroke={COLORS.warn} dot={dot} connectNulls strokeWidth={1.5} isAnimationActive={false} />
        <Line dataKey="p99" name="P99" stroke={COLORS.bad} dot={dot} connectNulls strokeWidth={1.5} isAnimationActive={false} />
      </LineChart>
    </ChartCard>
  );
}

function EndpointSuccess({ m }: { m: Metrics }) {
  const data = endpoints(m);
  const worst = [...data].sort((a, b) => a.success_rate - b.success_rate)[0];
  return (
    <ChartCard
      id="chart-endpoints"
      title="Success rate by endpoint"
      subtitle="2xx/3xx share of answers, busiest first"
      summary={worst ? `${data.length} endpoints, lowest ${worst.route} at ${formatPercent(worst.success_rate)}` : 'no requests'}
      empty={data.length === 0 ? 'No HTTP requests counted in this range yet.' : null}
      table={{
        columns: [
          { label: 'Endpoint', kind: 'text' },
          { label: 'Success rate', kind: 'percent' },
          { label: 'Requests', kind: 'count' },
          { label: 'Average', kind: 'duration' },
        ],
        rows: data.map((d) => [d.route, d.success_rate, d.total, d.avg_ms]),
      }}
      height={Math.max(HEIGHT, 28 * data.length + 40)}
    >
      <BarChart data={data} layout="vertical" responsive style={{ width: '100%', height: Math.max(HEIGHT, 28 * data.length + 40) }} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" domain={[0, 100]} {...axis} tickFormatter={(v: number) => `${v}%`} />
        <YAxis type="category" dataKey="route" {...axis} width={230} interval={0} />
        <Tooltip
          {...tooltip}
          formatter={(v, _n, item) => {
            const p = item.payload as (typeof data)[number];
            return [`${formatPercent(Number(v))} of ${formatNumber(p.total)} (avg ${formatDuration(p.avg_ms)})`, 'Success'];
          }}
        />
        <Bar dataKey="success_rate" name="Success rate" isAnimationActive={false} barSize={14}>
          {data.map((d) => (
            <Cell key={d.route} fill={rateColor(d.success_rate, 99)} />
          ))}
        </Bar>
      </BarChart>
    </ChartCard>
  );
}

function ErrorsByStatus({ m }: { m: Metrics }) {
  const data = m.errors_by_status.map((e) => ({ status: String(e.status), count: e.count, share: e.share }));
  const total = sum(data.map((d) => d.count));
  return (
    <ChartCard
      id="chart-errors"
      title="Errors by status code"
      subtitle={`4xx and 5xx answers; share of ${formatNumber(m.totals.http_requests)} requests`}
      summary={`${formatNumber(total)} error answers: ${data.map((d) => `${d.status} ×${d.count}`).join(', ')}`}
      empty={total === 0 ? (m.totals.http_requests > 0 ? `No error answers among ${formatNumber(m.totals.http_requests)} requests in this range.` : 'No HTTP requests counted in this range yet.') : null}
      table={{
        columns: [
          { label: 'Status', kind: 'text' },
          { label: 'Answers', kind: 'count' },
          { label: 'Share of requests', kind: 'percent' },
        ],
        rows: data.map((d) => [d.status, d.count, d.share]),
      }}
    >
      <BarChart data={data} responsive style={{ width: '100%', height: HEIGHT }} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
        {grid}
        <XAxis dataKey="status" {...axis} />
        <YAxis {...axis} allowDecimals={false} />
        <Tooltip
          {...tooltip}
          formatter={(v, _n, item) => [`${formatNumber(Number(v))} (${formatPercent((item.payload as (typeof data)[number]).share, 2)} of requests)`, 'Answers']}
        />
        <Bar dataKey="count" name="Answers" isAnimationActive={false} maxBarSize={48}>
          {data.map((d) => (
            <Cell key={d.status} fill={d.status.startsWith('5') ? COLORS.bad : COLORS.warn} />
          ))}
        </Bar>
      </BarChart>
    </ChartCard>
  );
}

const WORKFLOW_BARS = [
  { key: 'completed', name: 'Completed', fill: COLORS.ok },
  { key: 'failed', name: 'Failed', fill: COLORS.bad },
  { key: 'timed_out', name: 'Timed out', fill: COLORS.warn },
  { key: 'running', name: 'Running', fill: COLORS.info },
];

function Workflows({ m, per, timeAxis }: { m: Metrics; per: string; timeAxis: ReactNode }) {
  const data = workflowsOverTime(m);
  const w = m.workflows_by_status;
  const total = w.completed + w.failed + w.timed_out + w.running;
  return (
    <ChartCard
      id="chart-workflows"
      title="Workflows by status"
      subtitle={`by start time, ${per}`}
      summary={`${formatNumber(w.completed)} completed, ${formatNumber(w.failed)} failed, ${formatNumber(w.timed_out)} timed out, ${formatNumber(w.running)} running`}
      empty={total === 0 ? 'No workflow started in this range.' : null}
      table={seriesTable(data, WORKFLOW_BARS)}
    >
      <StackedCounts data={data} timeAxis={timeAxis} bars={WORKFLOW_BARS} />
    </ChartCard>
  );
}

function AgentSuccess({ m }: { m: Metrics }) {
  const data = agents(m);
  const target = m.key_metrics.agent_success_rate.target ?? 95;
  const worst = [...data].sort((a, b) => a.success_rate - b.success_rate)[0];
  return (
    <ChartCard
      id="chart-agents"
      title="Success by agent"
      subtitle={`reported outcomes; target ≥ ${formatPercent(target, 0)}`}
      summary={worst ? `${data.length} agents, lowest ${worst.agent_id} at ${formatPercent(worst.success_rate)}` : 'no agent outcomes'}
      empty={data.length === 0 ? 'No agent reported an outcome in this range.' : null}
      table={{
        columns: [
          { label: 'Agent', kind: 'text' },
          { label: 'Success rate', kind: 'percent' },
          { label: 'Outcomes', kind: 'count' },
          { label: 'Failures', kind: 'count' },
        ],
        rows: data.map((d) => [humanize(d.agent_id), d.success_rate, d.total, d.failures]),
      }}
      height={Math.max(HEIGHT, 26 * data.length + 40)}
    >
      <BarChart data={data} layout="vertical" responsive style={{ width: '100%', height: Math.max(HEIGHT, 26 * data.length + 40) }} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" domain={[0, 100]} {...axis} tickFormatter={(v: number) => `${v}%`} />
        <YAxis type="category" dataKey="agent_id" {...axis} width={200} interval={0} tickFormatter={(a: string) => humanize(a)} />
        <Tooltip
          {...tooltip}
          formatter={(v, _n, item) => {
            const p = item.payload as (typeof data)[number];
            return [`${formatPercent(Number(v))} (${formatNumber(p.failures)} failed of ${formatNumber(p.total)})`, 'Success'];
          }}
        />
        <Bar dataKey="success_rate" name="Success rate" isAnimationActive={false} barSize={12}>
          {data.map((d) => (
            <Cell key={d.agent_id} fill={rateColor(d.success_rate, target)} />
          ))}
        </Bar>
      </BarChart>
    </ChartCard>
  );
}

const DELIVERY_BARS = [
  { key: 'processed', name: 'Accepted', fill: COLORS.ok },
  { key: 'processing_failed', name: 'Processing failed', fill: COLORS.bad },
  { key: 'refused', name: 'Refused', fill: COLORS.warn },
];

function WebhookDeliveries({ m, per, timeAxis }: { m: Metrics; per: string; timeAxis: ReactNode }) {
  const data = webhookDeliveries(m);
  const t = m.totals;
  return (
    <ChartCard
      id="chart-webhooks"
      title="Webhook deliveries"
      subtitle={`accepted, failed processing, refused ${per}`}
      summary={`${formatNumber(t.webhook_events)} accepted, ${formatNumber(t.processing_failures)} processing failures, ${formatNumber(t.refused_deliveries)} refused, ${formatNumber(t.reported_failures)} reported failures`}
      empty={t.webhook_events + t.refused_deliveries === 0 ? 'No webhook deliveries in this range.' : null}
      table={seriesTable(data, DELIVERY_BARS)}
    >
      <StackedCounts data={data} timeAxis={timeAxis} bars={DELIVERY_BARS} />
    </ChartCard>
  );
}

function DuplicateRate({ m, per, timeAxis }: { m: Metrics; per: string; timeAxis: ReactNode }) {
  const data = duplicateRates(m);
  const k = m.key_metrics.duplicate_rate;
  const peak = data.reduce<(typeof data)[number] | undefined>((best, d) => (d.duplicates > 0 && d.rate !== null && (!best || d.rate > best.rate!) ? d : best), undefined);
  return (
    <ChartCard
      id="chart-duplicates"
      title="Duplicate rate"
      subtitle={`copies of stored events over deliveries, ${per}`}
      summary={`${k.value === null ? 'no deliveries' : formatPercent(k.value, 1)} over the range (${formatNumber(k.duplicates)} copies of ${formatNumber(k.deliveries)} deliveries)${peak ? `, highest ${formatPercent(peak.rate!, 1)} at ${timeLabel(peak.t)}` : ''}`}
      empty={k.deliveries === 0 ? 'No webhook deliveries in this range.' : null}
      table={{
        columns: [
          { label: 'Time', kind: 'time' },
          { label: 'Deliveries', kind: 'count' },
          { label: 'Copies', kind: 'count' },
          { label: 'Duplicate rate', kind: 'percent' },
        ],
        rows: data.filter((d) => d.deliveries > 0).map((d) => [d.t, d.deliveries, d.duplicates, d.rate]),
      }}
    >
      <BarChart data={data} responsive style={{ width: '100%', height: HEIGHT }} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
        {grid}
        {timeAxis}
        <YAxis {...axis} domain={[0, 'auto']} tickFormatter={(v: number) => `${v}%`} />
        <Tooltip
          {...tooltip}
          labelFormatter={timeLabel}
          formatter={(v, _n, item) => {
            const p = item.payload as (typeof data)[number];
            return [`${formatPercent(Number(v), 1)} (${formatNumber(p.duplicates)} copies of ${formatNumber(p.deliveries)})`, 'Duplicate rate'];
          }}
        />
        <Bar dataKey="rate" name="Duplicate rate" fill={COLORS.warn} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}
