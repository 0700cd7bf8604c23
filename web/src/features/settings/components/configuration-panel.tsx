import { Badge, StatusBadge } from '../../../components/badge';
import { Card, Stat } from '../../../components/card';
import { DescriptionList } from '../../../components/description-list';
import { RelativeTime } from '../../../components/relative-time';
import { Callout, ErrorState, LoadingState } from '../../../components/states';
import { DataTable } from '../../../components/table';
import { formatBytes, formatDuration, formatNumber, formatPercent, humanize } from '../../../lib/format';
import { useCan } from '../../../lib/session';
import { useConfiguration, useHealth, useReceiver } from '../hooks/use-settings-data';
import { CleanupCard } from './cleanup-card';
import { TestConfigurationCard } from './test-configuration-card';

/** The runbook's environment validation (the same as GET /api/opal/sync), Opal and its circuit, the server and the receiver. */
export function ConfigurationPanel() {
  const q = useConfiguration();
  const canTest = useCan('testConfiguration');
  const canCleanup = useCan('cleanup');
  if (!q.data) return q.isError ? <ErrorState error={q.error} onRetry={() => void q.refetch()} /> : <LoadingState rows={6} />;
  const c = q.data;
  const circuit = c.opal.circuit;
  return (
    <>
      {c.configuration.valid ? (
        <Callout tone="ok" title="Configuration valid" role="status">
          Every check passed ({c.configuration.checks.length} checks, environment {c.environment}).
        </Callout>
      ) : (
        <Callout tone="bad" title={`${c.configuration.failed_checks} configuration ${c.configuration.failed_checks === 1 ? 'check' : 'checks'} failed`} role="status">
          {c.environment === 'production' ? 'Production refuses to start with these; fix them before the next deploy.' : 'Development starts anyway; production would refuse to start.'}
        </Callout>
      )}
      <div className="grid grid-2">
        <Card title="Opal" id="opal">
          <DescriptionList
            columns={2}
            items={[
              { label: 'Mode', value: <Badge tone={c.opal.mode === 'simulator' ? 'accent' : 'info'}>{c.opal.mode}</Badge> },
              { label: 'Endpoint', value: <span className="mono small">{c.opal.endpoint}</span> },
              { label: 'Workspace', value: <span className="mono small">{c.opal.workspace_id}</span> },
              { label: 'Time-out', value: formatDuration(c.opal.timeout_ms) },
              { label: 'Auth key', value: c.opal.auth_key_configured ? 'configured' : <span className="text-bad">missing</span> },
              { label: 'Allowed workflow', value: <span className="mono">{c.workflow_security.allowed_workflow}</span> },
            ]}
          />
        </Card>
        <Card title="Circuit breaker" id="circuit" actions={<StatusBadge status={circuit.state} label={humanize(circuit.state)} />}>
          <div className="stats stats-compact">
            <Stat label="Failures" value={formatNumber(circuit.failures)} tone={circuit.failures > 0 ? 'warn' : undefined} />
            <Stat label="Successes" value={formatNumber(circuit.successes)} />
            <Stat label="Rejected while open" value={formatNumber(circuit.rejects)} tone={circuit.rejects > 0 ? 'bad' : undefined} />
          </div>
          <p className="muted small">
            {circuit.state === 'closed'
              ? 'Closed: calls to Opal go through. Counts are over the rolling window.'
              : circuit.state === 'open'
                ? 'Open: force syncs are answered 503 at once until a probe succeeds.'
                : 'Half open: the next call is a probe.'}
            {circuit.openedAt && (
              <>
                {' '}
                Opened <RelativeTime iso={circuit.openedAt} />.
              </>
            )}
          </p>
        </Card>
      </div>
      <Card title="Configuration checks" id="checks" flush>
        <DataTable
          label="Configuration checks"
          rows={c.configuration.checks}
          rowKey={(r) => r.variable}
          rowClassName={(r) => (r.status === 'ok' ? undefined : 'row-bad')}
          columns={[
            { key: 'variable', header: 'Variable', width: '280px', cell: (r) => <span className="mono">{r.variable}</span> },
            { key: 'status', header: 'Status', width: '100px', cell: (r) => <StatusBadge status={r.status} label={r.status === 'ok' ? 'OK' : 'Failed'} /> },
            { key: 'message', header: 'Message', cell: (r) => r.message },
          ]}
        />
      </Card>
      <div className="grid grid-2">
        <ServerCard driver={c.database.driver} />
        <ReceiverDetails />
      </div>
      {canTest && <TestConfigurationCard />}
      {canCleanup && <CleanupCard />}
    </>
  );
}

function ServerCard({ driver }: { driver: string }) {
  const q = useHealth();
  const h = q.data;
  return (
    <Card title="Server" id="server" actions={h && <StatusBadge status={h.status} label={h.status === 'ok' ? 'Healthy' : 'Unavailable'} />}>
      {!h ? (
        q.isError ? <ErrorState error={q.error} /> : <LoadingState />
      ) : (
        <DescriptionList
          columns={2}
          items={[
            { label: 'Version', value: h.version },
            { label: 'Uptime', value: formatDuration(h.uptime_seconds * 1000) },
            { label: 'Database', value: `${driver} · ${h.database.reachable ? 'reachable' : 'unreachable'}` },
            { label: 'Database latency', value: h.database.latency_ms === null ? '—' : `${h.database.latency_ms} ms` },
          ]}
        />
      )}
    </Card>
  );
}

function ReceiverDetails() {
  const q = useReceiver();
  const r = q.data;
  return (
    <Card title="Webhook receiver" id="receiver-config">
      {!r ? (
        q.isError ? <ErrorState error={q.error} /> : <LoadingState />
      ) : (
        <DescriptionList
          columns={2}
          items={[
            { label: 'Signature schemes', value: r.signature_schemes.map((s) => s.name).join(', ') },
            { label: 'Timestamp window', value: `${r.timestamp_window.max_age_seconds} s old, ${r.timestamp_window.max_future_seconds} s ahead` },
            { label: 'Max body', value: formatBytes(r.max_body_bytes) },
            { label: 'Events (24 h)', value: formatNumber(r.last_24h.events_received) },
            { label: 'Refused (24 h)', value: formatNumber(r.last_24h.refused_deliveries) },
            { label: 'Signature failure rate', value: formatPercent(r.last_24h.signature_failure_rate, 2) },
          ]}
        />
      )}
    </Card>
  );
}
