import { useState } from 'react';
import { Link } from 'wouter';
import { Button, ButtonLink } from '../../../components/button';
import { Dialog } from '../../../components/dialog';
import { DescriptionList } from '../../../components/description-list';
import { REPLAY_VS_RERUN } from '../../../components/replay-note';
import { Callout } from '../../../components/states';
import { errorMessage } from '../../../lib/api-error';
import { type WorkflowDetail, useRerunWorkflow } from '../hooks/use-workflows';


/** Re-run: a new force sync with the original inputs, confirmed in a dialog that says how it differs from replay. */
export function RerunButton({ workflowId, sync }: { workflowId: string; sync: WorkflowDetail['sync'] }) {
  const [open, setOpen] = useState(false);
  const rerun = useRerunWorkflow();
  const close = () => {
    setOpen(false);
    rerun.reset();
  };
  const result = rerun.data;
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        Re-run
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title={result ? 'Re-run started' : 'Re-run this workflow?'}
        describedBy="rerun-explanation"
        footer={
          result ? (
            <>
              <Button onClick={close}>Close</Button>
              <ButtonLink variant="primary" href={`/workflows/${encodeURIComponent(result.workflow_id)}`} onClick={close}>
                Open the new workflow
              </ButtonLink>
            </>
          ) : (
            <>
              <Button onClick={close}>Cancel</Button>
              <Button variant="primary" busy={rerun.isPending} onClick={() => rerun.mutate({ workflowId })}>
                Re-run workflow
              </Button>
            </>
          )
        }
      >
        <p id="rerun-explanation" className="explain">
          {REPLAY_VS_RERUN}
        </p>
        {sync && !result && (
          <DescriptionList
            columns={2}
            items={[
              { label: 'Original scope', value: sync.sync_scope ?? '—' },
              { label: 'Client', value: sync.client_name ?? '—' },
              { label: 'Originally requested by', value: sync.requested_by },
              { label: 'Re-run of', value: <span className="mono small">{workflowId}</span> },
            ]}
          />
        )}
        {rerun.isError && (
          <Callout tone="bad" title="Opal was not asked again" role="alert">
            {errorMessage(rerun.error)}
          </Callout>
        )}
        {result && (
          <Callout tone="ok" title="Opal accepted the re-run" role="status">
            New workflow{' '}
            <Link href={`/workflows/${encodeURIComponent(result.workflow_id)}`} className="mono" onClick={close}>
              {result.workflow_id}
            </Link>{' '}
            (force sync <span className="mono small">{result.sync_id}</span>). Its callbacks appear there as they arrive.
          </Callout>
        )}
      </Dialog>
    </>
  );
}
