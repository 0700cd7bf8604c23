import { describe, expect, it } from 'vitest';
import { describeEventError } from './describe-event-error';

const base = { eventType: 'agent.completed', processingStatus: 'processed', processingError: null, outcome: 'success', outcomeError: null };

describe('describeEventError', () => {
  it('says a processing failure is ours, with the reason', () => {
    expect(describeEventError({ ...base, processingStatus: 'failed', processingError: 'projection update failed: boom' })).toEqual({
      status: 'failed',
      failureKind: 'processing',
      errorMessage: 'processing failed: projection update failed: boom',
    });
  });

  it("says a reported failure is Opal's, naming the event", () => {
    expect(describeEventError({ ...base, eventType: 'agent.failed', outcome: 'failure', outcomeError: 'Data source unreachable' })).toMatchObject({
      failureKind: 'reported',
      errorMessage: 'Opal reported agent.failed: Data source unreachable',
    });
    expect(describeEventError({ ...base, outcome: 'failure', outcomeError: 'timed out' }).errorMessage).toBe(
      'Opal reported a failure in agent.completed: timed out',
    );
  });

  it('reports both when both happened, and nothing for a success or a pending event', () => {
    const both = describeEventError({ ...base, processingStatus: 'failed', processingError: 'x', outcome: 'failure', outcomeError: 'y' });
    expect(both).toMatchObject({ status: 'failed', failureKind: 'both', errorMessage: 'processing failed: x; Opal reported a failure in agent.completed: y' });
    expect(describeEventError(base)).toEqual({ status: 'success', failureKind: null, errorMessage: null });
    expect(describeEventError({ ...base, processingStatus: 'pending' }).status).toBe('pending');
  });
});
