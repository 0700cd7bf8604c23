/**
 * "n of 9 agents": completed in green, failed in red, the rest empty.
 * Announced as a progressbar with the same words.
 */
export function AgentProgress({ completed, failed, total, compact = false }: { completed: number; failed: number; total: number; compact?: boolean }) {
  const pct = (n: number) => `${total ? (n / total) * 100 : 0}%`;
  const text = `${completed} of ${total} agents${failed ? `, ${failed} failed` : ''}`;
  return (
    <div className={compact ? 'progress progress-compact' : 'progress'}>
      <div className="progress-track" role="progressbar" aria-label="Agents completed" aria-valuemin={0} aria-valuemax={total} aria-valuenow={completed} aria-valuetext={text}>
        <div className="progress-ok" style={{ width: pct(completed) }} />
        <div className="progress-bad" style={{ width: pct(failed) }} />
      </div>
      <span className="progress-text">
        {completed} of {total} agents
        {failed > 0 && <span className="text-bad"> · {failed} failed</span>}
      </span>
    </div>
  );
}
