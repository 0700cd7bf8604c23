import { Badge, StatusBadge } from '../../../components/badge';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { DescriptionList } from '../../../components/description-list';
import { Callout } from '../../../components/states';
import { DataTable } from '../../../components/table';
import { errorMessage } from '../../../lib/api-error';
import { humanize } from '../../../lib/format';
import { type ConfigurationReport, useTestConfiguration } from '../hooks/use-settings-data';

const TONE = { ok: 'ok', warning: 'warn', failed: 'bad' } as const;
/** The test appends its live checks (the database round trip, Opal's circuit) after the configuration's. */
const LIVE_CHECKS = 2;

type Check = ConfigurationReport['checks'][number] & { key: string };

function ChecksTable({ label, checks }: { label: string; checks: Check[] }) {
  return (
    <DataTable
      label={label}
      rows={checks}
      rowKey={(c) => c.key}
      rowClassName={(c) => (c.status === 'failed' ? 'row-bad' : c.status === 'warning' ? 'row-warn' : undefined)}
      columns={[
        { key: 'name', header: 'Check', width: '260px', cell: (c) => <span className="mono">{c.name}</span> },
        { key: 'status', header: 'Status', width: '100px', cell: (c) => (c.status === 'warning' ? <Badge tone="warn">Warning</Badge> : <StatusBadge status={c.status === 'ok' ? 'ok' : 'failed'} label={c.status === 'ok' ? 'OK' : 'Failed'} />) },
        { key: 'message', header: 'Message', cell: (c) => <span className="small">{c.message}</span> },
      ]}
    />
  );
}

/** The runbook's test_configuration: every check, a live database round trip and Opal's circuit, now (recorded in the audit log). */
export function TestConfigurationCard() {
  const test = useTestConfiguration();
  const r = test.data;
  // Names repeat (the configured database, then its round trip): rows are keyed by position.
  const checks = (r?.checks ?? []).map((c, i) => ({ ...c, key: `${i}` }));
  return (
    <Card
      title="Test configuration"
      id="test-configuration"
      actions={
        <Button size="sm" variant="primary" busy={test.isPending} onClick={() => test.mutate()}>
          {r ? 'Test again' : 'Run the test'}
        </Button>
      }
    >
      {!r && !test.isError && <p className="muted">Runs the start-up checks again, a database round trip and Opal’s circuit state, and records the test in the audit log.</p>}
      {test.isError && (
        <Callout tone="bad" title="The test did not run" role="alert">
          {errorMessage(test.error)}
        </Callout>
      )}
      {r && (
        <section aria-label="Test result" className="replay-plan">
          <Callout tone={TONE[r.status]} title={r.status === 'ok' ? 'Every check passed' : r.status === 'warning' ? 'Passed with warnings' : 'Some checks failed'} role="status">
            {r.checks.length} checks; the database {r.database.reachable ? `answered in ${r.database.latency_ms} ms` : `did not answer${r.database.error ? `: ${r.database.error}` : ''}`}.
          </Callout>
          <DescriptionList
            columns={3}
            items={[
              { label: 'Database round trip', value: r.database.reachable ? <span>{r.database.latency_ms} ms</span> : <span className="text-bad">unreachable</span> },
              { label: 'Driver', value: r.database.driver },
              { label: 'Opal', value: <>{r.opal.mode} · circuit {humanize(r.opal.circuit.state).toLowerCase()}</> },
            ]}
          />
          <ChecksTable label="Test checks" checks={checks.filter((c, i) => c.status !== 'ok' || i >= checks.length - LIVE_CHECKS)} />
          <details className="details">
            <summary>All {checks.length} checks</summary>
            <ChecksTable label="All test checks" checks={checks} />
          </details>
        </section>
      )}
    </Card>
  );
}
