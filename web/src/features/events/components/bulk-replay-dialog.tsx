import { useState } from 'react';
import { Link } from 'wouter';
import { BULK_REPLAY_MAX_EVENTS } from '@contracts/limits';
import type { BulkReplayStatus } from '@contracts/replay';
import { Badge, StatusBadge } from '../../../components/badge';
import { Button } from '../../../components/button';
import { Dialog } from '../../../components/dialog';
import { DryRunFooter } from '../../../components/dry-run-footer';
import { ReasonField, isValidReason } from '../../../components/reason-field';
import { ReplayVsRerun } from '../../../components/replay-note';
import { Segmented } from '../../../components/segmented';
import { Callout, LoadingState } from '../../../components/states';
import { DataTable } from '../../../components/table';
import { useDryRunThenConfirm } from '../../../hooks/use-dry-run-then-confirm';
import { errorMessage } from '../../../lib/api-error';
import { formatNumber, humanize } from '../../../lib/format';
import { fromLocalInput, toLocalInput } from '../../../lib/local-datetime';
import { AGENTS, EVENT_TYPES, type EventFilters, resolveTimeRange } from '../hooks/use-event-filters';
import { acceptedOf, type BulkDryRun, dryRunOf, isActive, useBulkReplayJob } from '../hooks/use-bulk-replay-job';
import { type BulkReplayInput, useBulkReplay } from '../hooks/use-events';
import { BulkReplayProgress } from './bulk-replay-progress';

/** The contract's selections, checked by the compiler both ways. */
const STATES = [
  { value: 'failed', label: 'Processing failures', title: 'Events this system failed to apply: what replay fixes' },
  { value: 'unprocessed', label: 'Failures and pending', title: 'Also events not applied yet' },
  { value: 'any', label: 'Any state', title: 'Every matching event, also those already processed (re-applied; nothing they report changes)' },
] as const satisfies readonly { value: BulkReplayStatus; label: string; title: string }[];
type MissingState = Exclude<BulkReplayStatus, (typeof STATES)[number]['value']>;
const _states: [MissingState] extends [never] ? true : MissingState = true;

interface Form {
  status: BulkReplayStatus;
  eventType: string;
  agentId: string;
  startDate: string;
  endDate: string;
  cap: number;
}

const toRequest = (f: Form, dryRun: boolean): BulkReplayInput => ({
  filter: {
    status: f.status,
    ...(f.eventType ? { event_type: f.eventType as NonNullable<BulkReplayInput['filter']>['event_type'] } : {}),
    ...(f.agentId.trim() ? { agent_id: f.agentId.trim() } : {}),
    ...(f.startDate ? { start_date: f.startDate } : {}),
    ...(f.endDate ? { end_date: f.endDate } : {}),
  },
  dry_run: dryRun,
  max_events: f.cap,
});

/** Bulk replay of failed events by filter, starting from the log's own filters. */
export function BulkReplayButton({ f }: { f: EventFilters }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        Bulk replay…
      </Button>
      {open && <BulkReplayDialog f={f} onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * Dry run first (it runs as the dialog opens): how many events match, how
 * many the cap lets through, which workflows, a sample. Only a dry run of
 * exactly these filters, and a reason, unlock the confirmation; the real run
 * is a job whose progress follows, with a Cancel button while it runs.
 */
function BulkReplayDialog({ f, onClose }: { f: EventFilters; onClose: () => void }) {
  const [form, setForm] = useState<Form>(() => {
    const range = resolveTimeRange(f, Date.now());
    return { status: 'failed', eventType: f.eventType, agentId: f.agentId, startDate: range.start_date ?? '', endDate: range.end_date ?? '', cap: BULK_REPLAY_MAX_EVENTS.default };
  });
  const [reason, setReason] = useState('');
  // The reason is not part of the dry run's key: typing it does not make the dry run stale.
  const request = (f: Form, dryRun: boolean): BulkReplayInput => ({ ...toRequest(f, dryRun), ...(dryRun ? {} : { reason: reason.trim() }) });
  const replay = useDryRunThenConfirm({ useAction: useBulkReplay, request, input: form, onClose });
  const { stale } = replay;
  const plan = dryRunOf(replay.plan);
  const result = acceptedOf(replay.result);
  const job = useBulkReplayJob(result).data;
  const title = !result ? 'Bulk replay' : job && !isActive(job) ? 'Bulk replay finished' : 'Bulk replay running';
  const set = (patch: Partial<Form>) => setForm((p) => ({ ...p, ...patch }));
  const ignored = [f.workflowId && 'workflow', f.q && 'payload search', f.status === 'success' && 'status'].filter(Boolean) as string[];

  return (
    <Dialog
      open
      wide
      onClose={replay.close}
      title={title}
      describedBy="bulk-replay-explanation"
      footer={
        <DryRunFooter done={replay.phase === 'done'} onClose={replay.close}>
          <Button onClick={() => replay.dryRun()} busy={replay.dryRunning} variant={stale ? 'primary' : 'secondary'}>
            {replay.dryRunAnswered ? 'Dry run again' : 'Dry run'}
          </Button>
          <Button variant="primary" disabled={!plan || plan.events_selected === 0 || replay.dryRunning || !isValidReason(reason)} busy={replay.confirming} onClick={replay.confirm}>
            {plan && plan.events_selected > 0 ? `Replay ${formatNumber(plan.events_selected)} ${plan.events_selected === 1 ? 'event' : 'events'}` : 'Replay'}
          </Button>
        </DryRunFooter>
      }
    >
      <ReplayVsRerun id="bulk-replay-explanation" />
      {!result && (
        <fieldset className="form replay-form" disabled={replay.confirming}>
          <legend className="visually-hidden">Which events</legend>
          <div className="field">
            <span className="field-label" aria-hidden="true">
              Processing state
            </span>
            <Segmented label="Processing state" options={STATES} value={form.status} onChange={(status) => set({ status })} />
          </div>
          <div className="form-row form-row-4">
            <label className="field">
              <span className="field-label">Event type</span>
              <select className="input" value={form.eventType} onChange={(e) => set({ eventType: e.target.value })}>
                <option value="">Any event type</option>
                {EVENT_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Agent</span>
              <input className="input" list="bulk-agents" value={form.agentId} onChange={(e) => set({ agentId: e.target.value })} placeholder="Any agent" />
              <datalist id="bulk-agents">
                {AGENTS.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </label>
            <label className="field">
              <span className="field-label">Received from</span>
              <input type="datetime-local" className="input" value={toLocalInput(form.startDate)} onChange={(e) => set({ startDate: fromLocalInput(e.target.value) ?? '' })} />
            </label>
            <label className="field">
              <span className="field-label">Received until</span>
              <input type="datetime-local" className="input" value={toLocalInput(form.endDate)} onChange={(e) => set({ endDate: fromLocalInput(e.target.value) ?? '' })} />
            </label>
          </div>
          <label className="field field-narrow">
            <span className="field-label">Cap (at most)</span>
            <input
              type="number"
              className="input"
              min={1}
              max={BULK_REPLAY_MAX_EVENTS.max}
              value={form.cap}
              onChange={(e) => set({ cap: Math.min(BULK_REPLAY_MAX_EVENTS.max, Math.max(1, Math.trunc(Number(e.target.value) || 1))) })}
              aria-describedby="bulk-cap-hint"
            />
            <span className="field-hint" id="bulk-cap-hint">
              The oldest matching events first; at most {formatNumber(BULK_REPLAY_MAX_EVENTS.max)}.
            </span>
          </label>
          {ignored.length > 0 && (
            <p className="muted small">
              The log’s {ignored.join(' and ')} filter does not apply to bulk replay. To replay one workflow, use Replay on its page.
            </p>
          )}
        </fieldset>
      )}
      {!result && <DryRunPlan plan={plan} busy={replay.dryRunning} error={replay.dryRunError} stale={stale} status={form.status} />}
      {!result && <ReasonField value={reason} onChange={setReason} disabled={replay.confirming} />}
      {replay.confirmError !== null && (
        <Callout tone="bad" title="The replay did not run" role="alert">
          {errorMessage(replay.confirmError)}
        </Callout>
      )}
      {result && <BulkReplayProgress accepted={result} />}
    </Dialog>
  );
}

function DryRunPlan({ plan, busy, error, stale, status }: { plan: BulkDryRun | null; busy: boolean; error: unknown; stale: boolean; status: BulkReplayStatus }) {
  if (busy) return <LoadingState label="Dry run: counting what would be replayed…" />;
  if (error)
    return (
      <Callout tone="bad" title="The dry run failed" role="alert">
        {errorMessage(error)}
      </Callout>
    );
  if (stale)
    return (
      <Callout tone="warn" title="The filters changed" role="status">
        Run the dry run again to see what these filters would replay.
      </Callout>
    );
  if (!plan) return null;
  if (plan.events_matched === 0) {
    return (
      <Callout title="Dry run: nothing to replay" role="status">
        No event matches these filters{status === 'failed' ? ' among processing failures' : ''}.{' '}
        {status === 'failed' && 'Events that report a failure (Opal’s side) are not processing failures: replay cannot change them; re-run their workflows, or choose “Any state” to re-apply them anyway.'}
      </Callout>
    );
  }
  return (
    <section className="replay-plan" aria-label="Dry run result">
      <Callout tone="info" title={`Dry run: ${formatNumber(plan.events_selected)} ${plan.events_selected === 1 ? 'event' : 'events'} would be re-run`} role="status">
        {formatNumber(plan.events_matched)} matched, in {formatNumber(plan.workflows_affected)} {plan.workflows_affected === 1 ? 'workflow' : 'workflows'}.
        {plan.events_over_cap > 0 && (
          <>
            {' '}
            <strong>{formatNumber(plan.events_over_cap)} over the cap</strong> of {formatNumber(plan.max_events)} would be left for a later run.
          </>
        )}{' '}
        Nothing has changed yet.
      </Callout>
      <DataTable
        label="Dry run sample"
        rows={plan.sample}
        rowKey={(s) => s.event_id}
        columns={[
          {
            key: 'event',
            header: 'Event',
            cell: (s) => (
              <Link href={`/events/${s.event_id}`} className="mono small">
                {s.event_type}
              </Link>
            ),
          },
          { key: 'workflow', header: 'Workflow', cell: (s) => <span className="mono small">{s.workflow_id}</span> },
          { key: 'agent', header: 'Agent', cell: (s) => <span className="small">{s.agent_id ? humanize(s.agent_id) : '—'}</span> },
          {
            key: 'state',
            header: 'Now',
            cell: (s) => (
              <span className="badge-row">
                <StatusBadge status={s.processing_status} />
                {s.outcome === 'failure' && <Badge tone="warn">reports failure</Badge>}
              </span>
            ),
          },
        ]}
      />
      {plan.sample.length < plan.events_selected && <p className="muted small">The first {plan.sample.length} of {formatNumber(plan.events_selected)}.</p>}
    </section>
  );
}
