import { useState } from 'react';
import { Link } from 'wouter';
import { Badge, StatusBadge } from '../../../components/badge';
import { Button } from '../../../components/button';
import { DescriptionList } from '../../../components/description-list';
import { Dialog } from '../../../components/dialog';
import { DryRunFooter } from '../../../components/dry-run-footer';
import { ReasonField, isValidReason } from '../../../components/reason-field';
import { ReplayVsRerun } from '../../../components/replay-note';
import { Callout, LoadingState } from '../../../components/states';
import { useDryRunThenConfirm } from '../../../hooks/use-dry-run-then-confirm';
import { errorMessage } from '../../../lib/api-error';
import type { EventDetail } from '../hooks/use-event';
import { acceptedOf, dryRunOf, isActive, useBulkReplayJob } from '../hooks/use-bulk-replay-job';
import { type BulkReplayInput, useBulkReplay } from '../hooks/use-events';
import { BulkReplayProgress } from './bulk-replay-progress';


/** What replaying this event will and will not do, in its own case. */
function expectation(e: EventDetail): { tone: 'info' | 'warn'; text: string } {
  if (e.failure_kind === 'processing') return { tone: 'info', text: 'Its processing failed on our side: replay applies it again, which is what fixes this.' };
  if (e.failure_kind === 'reported')
    return { tone: 'warn', text: 'It reports a failure from Opal. Replay re-applies it, but it will still report that failure: to get a new outcome, re-run the workflow.' };
  if (e.processing_status === 'pending') return { tone: 'info', text: 'It has not been applied yet: replay applies it now.' };
  return { tone: 'info', text: 'It is already applied: replay rebuilds its workflow from the stored log, which changes nothing (replaying twice is the same as once).' };
}

/** Replay of one event: a dry run as the dialog opens, then the operator confirms, then the result. */
export function ReplayEventButton({ e }: { e: EventDetail }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        Replay
      </Button>
      {open && <ReplayEventDialog e={e} onClose={() => setOpen(false)} />}
    </>
  );
}

function ReplayEventDialog({ e, onClose }: { e: EventDetail; onClose: () => void }) {
  const [reason, setReason] = useState('');
  // The reason is not part of the dry run's key: typing it does not make the dry run stale.
  const request = (eventId: string, dryRun: boolean): BulkReplayInput => ({
    filter: { event_ids: [eventId], status: 'any' },
    dry_run: dryRun,
    ...(dryRun ? {} : { reason: reason.trim() }),
  });
  const replay = useDryRunThenConfirm({ useAction: useBulkReplay, request, input: e.event_id, onClose });
  const plan = dryRunOf(replay.plan);
  const result = acceptedOf(replay.result);
  const job = useBulkReplayJob(result).data;
  const ended = job !== undefined && !isActive(job);
  const sample = plan?.sample[0];
  const expect = expectation(e);
  const failedAgain = job && (job.failed > 0 || job.state === 'failed');
  return (
    <Dialog
      open
      onClose={replay.close}
      title={ended ? 'Event replayed' : result ? 'Replaying the event…' : 'Replay this event?'}
      describedBy="replay-event-explanation"
      footer={
        <DryRunFooter done={replay.phase === 'done'} onClose={replay.close}>
          <Button variant="primary" disabled={!plan || plan.events_selected === 0 || !isValidReason(reason)} busy={replay.confirming} onClick={replay.confirm}>
            Confirm replay
          </Button>
        </DryRunFooter>
      }
    >
      <ReplayVsRerun id="replay-event-explanation" />
      {!result && (
        <>
          {replay.dryRunning && <LoadingState label="Dry run…" />}
          {replay.dryRunError !== null && (
            <Callout tone="bad" title="The dry run failed" role="alert">
              {errorMessage(replay.dryRunError)}
            </Callout>
          )}
          {plan && sample && (
            <section aria-label="Dry run result" className="replay-plan">
              <Callout tone={expect.tone} title="Dry run: 1 event would be re-run" role="status">
                {expect.text} Nothing has changed yet.
              </Callout>
              <DescriptionList
                columns={2}
                items={[
                  { label: 'Event', value: <span className="mono">{sample.event_type}</span> },
                  { label: 'Offset', value: <span className="mono">{sample.offset ?? '—'}</span> },
                  { label: 'Processing now', value: <StatusBadge status={sample.processing_status} /> },
                  { label: 'Reports', value: sample.outcome === 'failure' ? <Badge tone="warn">failure</Badge> : <StatusBadge status={sample.outcome} /> },
                  { label: 'Workflow', value: <span className="mono small">{sample.workflow_id}</span> },
                  { label: 'Processing error', value: sample.processing_error ?? '—' },
                ]}
              />
            </section>
          )}
          {plan && sample && <ReasonField value={reason} onChange={setReason} disabled={replay.confirming} />}
          {plan && !sample && (
            <Callout tone="warn" title="Dry run: nothing to replay" role="status">
              The event is no longer stored (retention may have removed it).
            </Callout>
          )}
        </>
      )}
      {replay.confirmError !== null && (
        <Callout tone="bad" title="The replay did not run" role="alert">
          {errorMessage(replay.confirmError)}
        </Callout>
      )}
      {result && (
        <BulkReplayProgress accepted={result}>
          {(j) =>
            !isActive(j) && (
              <p>
                {failedAgain
                  ? j.failures[0]?.error ?? 'The event could not be applied; it stays failed with the reason.'
                  : e.failure_kind === 'reported'
                    ? 'The event was re-applied; it still reports the failure Opal sent. Re-run the workflow for a new outcome.'
                    : 'The event was re-applied and its workflow rebuilt.'}{' '}
                <Link href={`/workflows/${encodeURIComponent(e.workflow_id ?? '')}`} onClick={replay.close}>
                  Open the workflow
                </Link>
              </p>
            )
          }
        </BulkReplayProgress>
      )}
    </Dialog>
  );
}
