/**
 * Replay and re-run fix different things; every dialog that offers either
 * says so in the same words.
 */
export const REPLAY_VS_RERUN = 'Re-run asks Opal to run strategy_workflow again with the original inputs (a new workflow); Replay re-applies the events we already stored.';

export function ReplayVsRerun({ id }: { id?: string }) {
  return (
    <p id={id} className="explain">
      {REPLAY_VS_RERUN} Replay fixes events <strong>our processing</strong> failed; it never changes what an event <strong>reports</strong> (an agent.failed stays failed): for that, re-run the workflow.
    </p>
  );
}
