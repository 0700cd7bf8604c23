import { useState } from 'react';
import { Link } from 'wouter';
import { Badge, StatusBadge } from '../../../components/badge';
import { Button } from '../../../components/button';
import { Dialog } from '../../../components/dialog';
import { DryRunFooter } from '../../../components/dry-run-footer';
import { ProcessingSummary, SkipReasons } from '../../../components/processing-summary';
import { ReasonField, isValidReason } from '../../../components/reason-field';
import { ReplayVsRerun } from '../../../components/replay-note';
import { Stat } from '../../../components/card';
import { Callout, LoadingState } from '../../../components/states';
import { DataTable } from '../../../components/table';
import { useDryRunThenConfirm } from '../../../hooks/use-dry-run-then-confirm';
import { errorMessage } from '../../../lib/api-error';
import { formatNumber, humanize } from '../../../lib/format';
import { type ReplayWorkflowInput, type ReplayWorkflowResult, useReplayWorkflow } from '../hooks/use-workflows';

interface Options {
  fromOffset: number;
  forceReprocess: boolean;
  skipDuplicates: boolean;
}

const toRequest = (workflowId: string, o: Options, dryRun: boolean): ReplayWorkflowInput => ({
  workflow_id: workflowId,
  from_offset: o.fromOffset,
  dry_run: dryRun,
  replay_options: { force_reprocess: o.forceReprocess, skip_duplicates: o.skipDuplicates },
});

const SKIP = { already_processed: 'already processed', duplicate: 'duplicate', over_max_events: 'over the cap', no_longer_matching: 'changed meanwhile' } as const;

/** Replay: re-apply this workflow's stored events. The dialog's dry run comes first; only then can the operator confirm. */
export function ReplayWorkflowButton({ workflowId }: { workflowId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>Replay</Button>
      {open && <ReplayWorkflowDialog workflowId={workflowId} onClose={() => setOpen(false)} />}
    </>
  );
}

function ReplayWorkflowDialog({ workflowId, onClose }: { workflowId: string; onClose: () => void }) {
  const [options, setOptions] = useState<Options>({ fromOffset: 0, forceReprocess: false, skipDuplicates: false });
  const [reason, setReason] = useState('');
  // The reason is not part of the dry run's key: typing it does not make the dry run stale.
  const request = (o: Options, dryRun: boolean): ReplayWorkflowInput => ({ ...toRequest(workflowId, o, dryRun), ...(dryRun ? {} : { reason: reason.trim() }) });
  const replay = useDryRunThenConfirm({ useAction: useReplayWorkflow, request, input: options, onClose });
  // A changed option is dry-run again at once: what the confirmation will do is always on screen.
  const set = (patch: Partial<Options>) => {
    const next = { ...options, ...patch };
    setOptions(next);
    if (!Number.isNaN(next.fromOffset)) replay.dryRun(next);
  };
  const { plan, result } = replay;
  return (
    <Dialog
      open
      wide
      onClose={replay.close}
      title={result ? 'Replay finished' : 'Replay this workflow?'}
      describedBy="replay-workflow-explanation"
      footer={
        <DryRunFooter done={replay.phase === 'done'} onClose={replay.close}>
          <Button variant="primary" disabled={!plan || plan.events_to_rerun === 0 || replay.dryRunning || !isValidReason(reason)} busy={replay.confirming} onClick={replay.confirm}>
            {plan && plan.events_to_rerun > 0 ? `Replay ${formatNumber(plan.events_to_rerun)} ${plan.events_to_rerun === 1 ? 'event' : 'events'}` : 'Replay'}
          </Button>
        </DryRunFooter>
      }
    >
      <ReplayVsRerun id="replay-workflow-explanation" />
      {!result && (
        <fieldset className="replay-options" disabled={replay.confirming}>
          <legend className="visually-hidden">Replay options</legend>
          <label className="inline-field">
            <span>From offset</span>
            <input type="number" min={0} className="input input-num" value={Number.isNaN(options.fromOffset) ? '' : options.fromOffset} onChange={(e) => set({ fromOffset: e.target.value === '' ? 0 : Math.max(0, Math.trunc(Number(e.target.value))) })} />
          </label>
          <label className="checkbox" title="Re-run every event from the offset, also those already processed">
            <input type="checkbox" checked={options.forceReprocess} onChange={(e) => set({ forceReprocess: e.target.checked })} />
            Force reprocess
          </label>
          <label className="checkbox" title="Skip an event that repeats an earlier one (same type, agent and offset)">
            <input type="checkbox" checked={options.skipDuplicates} onChange={(e) => set({ skipDuplicates: e.target.checked })} />
            Skip duplicates
          </label>
        </fieldset>
      )}
      {!result && replay.dryRunning && <LoadingState label="Dry run…" />}
      {!result && replay.dryRunError !== null && (
        <Callout tone="bad" title="The dry run failed" role="alert">
          {errorMessage(replay.dryRunError)}
        </Callout>
      )}
      {!result && plan && !replay.dryRunning && <Plan plan={plan} />}
      {!result && <ReasonField value={reason} onChange={setReason} disabled={replay.confirming} />}
      {replay.confirmError !== null && (
        <Callout tone="bad" title="The replay did not run" role="alert">
          {errorMessage(replay.confirmError)}
        </Callout>
      )}
      {result && <Result r={result} />}
    </Dialog>
  );
}

function Counts({ r }: { r: ReplayWorkflowResult }) {
  return (
    <div className="stats stats-compact" role="group" aria-label="Dry run counts">
      <Stat label="Found" value={formatNumber(r.events_found)} note={`from offset ${r.from_offset}`} />
      <Stat label="To re-run" value={formatNumber(r.events_to_rerun)} tone={r.events_to_rerun > 0 ? 'ok' : undefined} />
      <Stat label="To skip" value={formatNumber(r.events_to_skip)} note={<SkipReasons reasons={r.skip_reasons} />} />
    </div>
  );
}

function Problems({ r }: { r: ReplayWorkflowResult }) {
  if (r.problems.length === 0) return <p className="muted small">No problems found: offsets are contiguous and every agent is one of the nine.</p>;
  return (
    <Callout tone="warn" title={`${r.problems.length} ${r.problems.length === 1 ? 'problem' : 'problems'} in the stored log`} role="note">
      <ul className="plain-list" aria-label="Problems">
        {r.problems.map((p, i) => (
          <li key={i}>
            <Badge tone="warn">{humanize(p.kind)}</Badge> {p.message}
          </li>
        ))}
      </ul>
      Replay re-applies what is stored; it cannot fill a gap (missing events must be sent again by Opal).
    </Callout>
  );
}

function Plan({ plan }: { plan: ReplayWorkflowResult }) {
  return (
    <section className="replay-plan" aria-label="Dry run result">
      <Callout tone={plan.events_to_rerun > 0 ? 'info' : 'warn'} title={`Dry run: ${formatNumber(plan.events_to_rerun)} of ${formatNumber(plan.events_found)} events would be re-run`} role="status">
        {plan.events_to_rerun === 0
          ? plan.skip_reasons.already_processed > 0
            ? 'Every selected event is already processed. Tick “Force reprocess” to re-apply them anyway (the state is rebuilt from the same log, so it comes out the same).'
            : 'Nothing to re-run from this offset.'
          : 'Nothing has changed yet: confirm to re-apply them and rebuild the workflow.'}
        {plan.workflow && (
          <>
            {' '}
            The workflow is <strong>{humanize(plan.workflow.status)}</strong> now.
          </>
        )}
      </Callout>
      <Counts r={plan} />
      <Problems r={plan} />
      <EventTable r={plan} />
    </section>
  );
}

function EventTable({ r }: { r: ReplayWorkflowResult }) {
  const rows = r.events.slice(0, 100);
  return (
    <div className="dialog-table">
      <DataTable
        label={r.dry_run ? 'Events in the dry run' : 'Replayed events'}
        rows={rows}
        rowKey={(e) => e.event_id}
        rowClassName={(e) => (e.result === 'failed' ? 'row-bad' : e.action === 'skip' ? 'row-muted' : undefined)}
        columns={[
          { key: 'offset', header: 'Offset', align: 'right', width: '60px', cell: (e) => <span className="mono">{e.offset ?? '—'}</span> },
          {
            key: 'event',
            header: 'Event',
            cell: (e) => (
              <Link href={`/events/${e.event_id}`} className="mono small">
                {e.event_type}
              </Link>
            ),
          },
          { key: 'agent', header: 'Agent', cell: (e) => <span className="small">{e.agent_id ? humanize(e.agent_id) : '—'}</span> },
          { key: 'now', header: 'State', width: '110px', cell: (e) => <StatusBadge status={e.processing_status} /> },
          {
            key: 'action',
            header: r.dry_run ? 'Would' : 'Result',
            width: '170px',
            cell: (e) =>
              r.dry_run || !e.result ? (
                e.action === 'rerun' ? <Badge tone="info">re-run</Badge> : <span className="muted small">skip: {e.skip_reason ? SKIP[e.skip_reason] : '—'}</span>
              ) : (
                <span title={e.error ?? undefined}>
                  <StatusBadge status={e.result} />
                </span>
              ),
          },
        ]}
      />
      {(r.events_truncated || r.events.length > rows.length) && <p className="muted small">The first {rows.length} of {formatNumber(r.events_found)} events; the counts above cover all of them.</p>}
    </div>
  );
}

function Result({ r }: { r: ReplayWorkflowResult }) {
  const failed = r.processing_summary.failed_events > 0 || r.status === 'failed';
  return (
    <section className="replay-plan" aria-label="Replay result">
      <Callout tone={failed ? 'bad' : 'ok'} title={failed ? 'Replay finished with failures' : 'Replay completed'} role="status">
        {formatNumber(r.processing_summary.successful_events)} re-run, {formatNumber(r.processing_summary.failed_events)} failed again, {formatNumber(r.processing_summary.skipped_events)} skipped.
        {r.workflow && (
          <>
            {' '}
            The workflow is <strong>{humanize(r.workflow.status)}</strong> ({formatNumber(r.workflow.event_count)} events){r.workflow.error ? `: ${r.workflow.error}` : ''}.
          </>
        )}
      </Callout>
      <ProcessingSummary summary={r.processing_summary} />
      <EventTable r={r} />
    </section>
  );
}
