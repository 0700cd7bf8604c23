import { Link } from 'wouter';
import { Button } from '../../../components/button';
import { ProcessingSummary } from '../../../components/processing-summary';
import { Callout, LoadingState } from '../../../components/states';
import { DataTable } from '../../../components/table';
import { errorMessage } from '../../../lib/api-error';
import { formatNumber } from '../../../lib/format';
import { type BulkAccepted, type BulkReplayJob, isActive, useBulkReplayJob, useCancelBulkReplay } from '../hooks/use-bulk-replay-job';

const TITLE: Record<BulkReplayJob['state'], string> = {
  queued: 'Replay queued',
  running: 'Replay running',
  completed: 'Replay completed',
  failed: 'Replay failed',
  cancelled: 'Replay cancelled',
};

export const summaryOf = (j: BulkReplayJob) => ({
  successful_events: j.done,
  failed_events: j.failed,
  skipped_events: j.skipped + j.over_cap,
  processing_time_ms: j.started_at ? Date.parse(j.finished_at ?? new Date().toISOString()) - Date.parse(j.started_at) : 0,
});

/**
 * A bulk replay job as it runs: its state, batches (workflows) done of the
 * total, events re-run, failed and skipped, and a Cancel button while it is
 * queued or running (it stops between batches; what is done stays done).
 */
export function BulkReplayProgress({ accepted, children }: { accepted: BulkAccepted; children?: (job: BulkReplayJob) => React.ReactNode }) {
  const q = useBulkReplayJob(accepted);
  const cancel = useCancelBulkReplay();
  const job = q.data;
  if (!job) return <LoadingState label="Following the replay…" />;
  const active = isActive(job);
  const bad = job.state === 'failed' || job.failed > 0;
  const tone = active ? 'info' : job.state === 'cancelled' ? 'warn' : bad ? 'bad' : 'ok';
  const title = job.state === 'completed' && job.failed > 0 ? 'Replay finished with failures' : TITLE[job.state];
  return (
    <section className="replay-plan" aria-label="Replay result">
      <Callout tone={tone} title={title} role="status">
        {formatNumber(job.workflows_done)} of {formatNumber(job.workflows_total)} {job.workflows_total === 1 ? 'workflow' : 'workflows'} done ·{' '}
        {formatNumber(job.done)} of {formatNumber(job.selected)} {job.selected === 1 ? 'event' : 'events'} re-run.
        {job.over_cap > 0 && <> {formatNumber(job.over_cap)} over the cap were left for another run.</>}
        {job.state === 'cancelled' && <> Cancelled by {job.cancel_requested_by ?? 'someone'}: the batches done stay done.</>}
        {active && job.cancel_requested_at && <> Cancelling after the batch in flight…</>}
        {job.error && <> {job.error}</>}
      </Callout>
      <p className="small">
        <span className="muted">Why:</span> {job.reason ?? '—'} <span className="muted">· by {job.requested_by}</span>
      </p>
      <ProcessingSummary summary={summaryOf(job)} />
      {children?.(job)}
      {active && (
        <div className="form-actions">
          <Button variant="danger" busy={cancel.isPending} disabled={job.cancel_requested_at !== null} onClick={() => cancel.mutate({ job_id: job.job_id })}>
            Cancel replay
          </Button>
        </div>
      )}
      {cancel.isError && (
        <Callout tone="bad" title="Could not cancel" role="alert">
          {errorMessage(cancel.error)}
        </Callout>
      )}
      {job.failures.length > 0 && (
        <DataTable
          label="Workflows with failures"
          rows={job.failures}
          rowKey={(w) => w.workflow_id}
          columns={[
            { key: 'wf', header: 'Workflow', cell: (w) => <Link href={`/workflows/${encodeURIComponent(w.workflow_id)}`} className="mono small">{w.workflow_id}</Link> },
            { key: 'failed', header: 'Failed', align: 'right', cell: (w) => formatNumber(w.failed_events) },
            { key: 'error', header: 'Error', cell: (w) => <span className="text-bad small">{w.error ?? '—'}</span> },
          ]}
        />
      )}
    </section>
  );
}
