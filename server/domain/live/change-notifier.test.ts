import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../db/database';
import { createLogger } from '../../logger';
import { decodeNotices } from './change-notice';
import { ChangeNotifier } from './change-notifier';

/** The coalescing alone, on a fake clock: what goes out when (no database needed; both drivers' NOTIFY is tested in live-updates.test.ts). */
describe('ChangeNotifier coalescing', () => {
  let sent: { at: number; kinds: string[] }[];
  let notifier: ChangeNotifier;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    sent = [];
    const database = {
      run: async (_text: string, params: unknown[]) => {
        sent.push({ at: performance.now(), kinds: decodeNotices(params[1] as string).map((c) => c.kind) });
        return [];
      },
      listen: async () => async () => {},
    } as unknown as Database;
    notifier = new ChangeNotifier({ database, logger: createLogger({ debug: false, level: 'silent' }), windowMs: 100, overviewMs: 1000 });
  });
  afterEach(() => vi.useRealTimers());

  it('sends the first change at once, then at most one NOTIFY per window, the overview at most once a second', async () => {
    const start = performance.now();
    notifier.changed('events', { count: 1 });
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((s) => s.kinds)).toEqual([['events', 'overview']]);
    // Ten changes inside one window: one NOTIFY at its end, without the overview (announced < 1 s ago).
    for (let i = 0; i < 10; i++) {
      notifier.changed('events', { count: 1 });
      notifier.changed('workflows', { ids: [`wf-${i}`] });
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(sent.map((s) => s.kinds)).toEqual([['events', 'overview'], ['events', 'workflows']]);
    // A change after that flush is not held back by the overview's pending one-second timer.
    await vi.advanceTimersByTimeAsync(50);
    notifier.changed('alerts', { ids: ['a1'] });
    await vi.advanceTimersByTimeAsync(100);
    expect(sent[2]).toMatchObject({ kinds: ['alerts'] });
    expect(sent[2]!.at - start).toBeLessThan(400);
    // The overview's figures follow once its second is up.
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.map((s) => s.kinds).slice(3)).toEqual([['overview']]);
    await notifier.stop();
  });

  it('merges ids of a kind within a window, and past 50 says only "this kind changed"', async () => {
    notifier.changed('workflows', { ids: ['warm-up'] });
    await vi.advanceTimersByTimeAsync(1);
    const payloads: string[] = [];
    const run = vi.fn(async (_t: string, params: unknown[]) => (payloads.push(params[1] as string), []));
    (notifier as unknown as { o: { database: { run: typeof run } } }).o.database.run = run;
    for (let i = 0; i < 60; i++) notifier.changed('workflows', { ids: [`wf-${i % 30}`] });
    await vi.advanceTimersByTimeAsync(150);
    expect(decodeNotices(payloads[0]!)).toEqual([{ kind: 'workflows', ids: Array.from({ length: 30 }, (_, i) => `wf-${i}`) }]);
    for (let i = 0; i < 60; i++) notifier.changed('workflows', { ids: [`wf-${i}`] });
    await vi.advanceTimersByTimeAsync(150);
    expect(decodeNotices(payloads[1]!)[0]).toEqual({ kind: 'workflows' });
    await notifier.stop();
  });
});
