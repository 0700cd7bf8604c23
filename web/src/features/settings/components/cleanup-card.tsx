import { type FormEvent, useState } from 'react';
import { MAX_RETENTION_DAYS } from '@contracts/limits';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { DescriptionList } from '../../../components/description-list';
import { Dialog } from '../../../components/dialog';
import { TextField } from '../../../components/field';
import { ReasonField, isValidReason } from '../../../components/reason-field';
import { Callout } from '../../../components/states';
import { errorMessage } from '../../../lib/api-error';
import { formatDateTime, formatNumber } from '../../../lib/format';
import { useCleanup } from '../hooks/use-settings-data';

/** The runbook's cleanup_old_events (admin): finished workflows' logs older than N days, and old refusals; confirmed first. */
export function CleanupCard() {
  const cleanup = useCleanup();
  const [days, setDays] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const parsed = days.trim() === '' ? undefined : Number(days);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (parsed !== undefined && (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_RETENTION_DAYS)) {
      setError(`A whole number of days, 1 to ${formatNumber(MAX_RETENTION_DAYS)}`);
      return;
    }
    setError(null);
    cleanup.reset();
    setConfirming(true);
  };
  const run = () =>
    cleanup.mutate({ ...(parsed === undefined ? {} : { retention_days: parsed }), reason: reason.trim() }, { onSettled: () => setConfirming(false) });
  const what = parsed === undefined ? 'older than the retention policy (RETENTION_DAYS)' : `older than ${formatNumber(parsed)} ${parsed === 1 ? 'day' : 'days'}`;
  const r = cleanup.data;
  return (
    <Card title="Cleanup old events" id="cleanup">
      <p className="muted">
        Deletes the event log of workflows that finished {what}, and refused deliveries as old. A running workflow keeps its whole log. The same cleanup runs daily; this runs it now, recorded in the audit log.
      </p>
      <form className="form-inline" onSubmit={submit} aria-label="Cleanup old events" noValidate>
        <TextField label="Retention days" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} error={error} placeholder="policy (30)" hint="Empty: RETENTION_DAYS." className="field-narrow" />
        <Button type="submit" variant="danger">
          Clean up…
        </Button>
      </form>
      {cleanup.isError && (
        <Callout tone="bad" title="The cleanup did not run" role="alert">
          {errorMessage(cleanup.error)}
        </Callout>
      )}
      {r && (
        <Callout tone="ok" title="Cleanup finished" role="status">
          <DescriptionList
            columns={3}
            items={[
              { label: 'Events deleted', value: formatNumber(r.deleted_events) },
              { label: 'Workflows deleted', value: formatNumber(r.deleted_workflows) },
              { label: 'Refusals deleted', value: formatNumber(r.deleted_rejections) },
              { label: 'Retention', value: `${formatNumber(r.retention_days)} days` },
              { label: 'Cutoff', value: formatDateTime(r.cutoff) },
              { label: 'Batches', value: formatNumber(r.batches) },
            ]}
          />
        </Callout>
      )}
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Delete old events?"
        footer={
          <>
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
            <Button variant="danger" busy={cleanup.isPending} disabled={!isValidReason(reason)} onClick={run}>
              Delete old events
            </Button>
          </>
        }
      >
        <p>
          The event log of every workflow that finished {what} is deleted, with its projection, and refused deliveries as old. This cannot be undone; replay cannot bring them back.
        </p>
        <ReasonField value={reason} onChange={setReason} disabled={cleanup.isPending} />
      </Dialog>
    </Card>
  );
}
