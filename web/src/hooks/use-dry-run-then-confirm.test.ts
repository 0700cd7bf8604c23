import { describe, expect, it } from 'vitest';
import { dryRunView } from './use-dry-run-then-confirm';

type Answer = { n: number };
const idle = { data: undefined, error: null, isPending: false, isError: false };
const pending = { ...idle, isPending: true };
const failed = { ...idle, isError: true, error: new Error('refused') };
const answered = (n: number) => ({ ...idle, data: { n } as Answer });

describe('dry run, then confirm', () => {
  it('goes idle → dry-running → planned → confirming → done', () => {
    expect(dryRunView<Answer>(idle, idle, null, 'a').phase).toBe('idle');
    expect(dryRunView<Answer>(pending, idle, 'a', 'a')).toMatchObject({ phase: 'dry-running', dryRunning: true, plan: null });
    expect(dryRunView(answered(3), idle, 'a', 'a')).toMatchObject({ phase: 'planned', plan: { n: 3 }, stale: false, dryRunAnswered: true });
    expect(dryRunView(answered(3), pending, 'a', 'a')).toMatchObject({ phase: 'confirming', confirming: true, plan: { n: 3 } });
    expect(dryRunView(answered(3), answered(3), 'a', 'a')).toMatchObject({ phase: 'done', result: { n: 3 } });
  });

  it('unlocks nothing with a dry run of other input: it is stale until run again', () => {
    const v = dryRunView(answered(3), idle, 'a', 'b');
    expect(v).toMatchObject({ phase: 'stale', plan: null, stale: true, dryRunAnswered: true });
  });

  it('says which step failed, and with what', () => {
    const dry = dryRunView<Answer>(failed, idle, 'a', 'a');
    expect(dry).toMatchObject({ phase: 'dry-run-failed', confirmError: null });
    expect(dry.dryRunError).toBe(failed.error);
    const run = dryRunView(answered(3), failed, 'a', 'a');
    expect(run).toMatchObject({ phase: 'confirm-failed', dryRunError: null, plan: { n: 3 } });
    expect(run.confirmError).toBe(failed.error);
  });
});
