/**
 * The two kinds of failure DESIGN.md keeps apart, in words an operator can
 * act on: ours ("processing failed: …", replay fixes it) and Opal's ("Opal
 * reported agent.failed: …", only re-running the workflow can).
 */
export interface EventFailureFields {
  eventType: string;
  processingStatus: string;
  processingError: string | null;
  outcome: string;
  outcomeError: string | null;
}

export type FailureKind = 'processing' | 'reported' | 'both';

export function describeEventError(e: EventFailureFields): {
  status: 'success' | 'failed' | 'pending';
  failureKind: FailureKind | null;
  errorMessage: string | null;
} {
  const processing = e.processingStatus === 'failed';
  const reported = e.outcome === 'failure';
  const parts: string[] = [];
  if (processing) parts.push(`processing failed: ${e.processingError ?? 'no reason was recorded'}`);
  if (reported) {
    // agent.failed / workflow.failed say it by their type; any other type failed by its execution_status.
    const what = e.eventType.endsWith('.failed') ? e.eventType : `a failure in ${e.eventType}`;
    parts.push(`Opal reported ${what}: ${e.outcomeError ?? 'no error text was sent'}`);
  }
  const failureKind: FailureKind | null = processing && reported ? 'both' : processing ? 'processing' : reported ? 'reported' : null;
  const status = failureKind ? 'failed' : e.processingStatus === 'pending' ? 'pending' : 'success';
  return { status, failureKind, errorMessage: parts.length ? parts.join('; ') : null };
}
