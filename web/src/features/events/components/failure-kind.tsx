import { Badge, StatusBadge } from '../../../components/badge';
import type { LogEvent } from '../hooks/use-events';

const PROCESSING = 'Processing failed (our side): this system could not apply the event. Replay re-runs it and fixes this.';
const REPORTED = 'Reported failure (Opal’s side): the event reports an agent or workflow failure. Replay cannot change that; re-running the workflow can.';

/** An event's state, a failure named by its kind: ours (replay fixes) or reported by Opal (re-run fixes). */
export function EventState({ e }: { e: Pick<LogEvent, 'status' | 'failure_kind'> }) {
  if (e.failure_kind === 'processing' || e.failure_kind === 'both') {
    return (
      <span className="badge-row">
        <Badge tone="bad" title={PROCESSING}>
          Processing failed
        </Badge>
        {e.failure_kind === 'both' && (
          <Badge tone="warn" title={REPORTED}>
            Reported failure
          </Badge>
        )}
      </span>
    );
  }
  if (e.failure_kind === 'reported') {
    return (
      <Badge tone="warn" title={REPORTED}>
        Reported failure
      </Badge>
    );
  }
  return <StatusBadge status={e.status === 'success' ? 'processed' : e.status} label={e.status === 'success' ? 'OK' : undefined} />;
}
