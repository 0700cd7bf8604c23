import { describe, expect, it } from 'vitest';
import { metricsInputSchema } from '../../contracts/metrics';
import { HOUR_MS, MINUTE_MS, resolveRange } from './time-range';

const NOW = Date.parse('2026-03-10T12:34:56.789Z');
const q = (v: unknown) => metricsInputSchema.parse(v);

describe('resolveRange', () => {
  it('covers the last hour per minute, ending with the current minute', () => {
    const r = resolveRange(q({ range: '1h' }), NOW);
    expect(r.bucketMs).toBe(MINUTE_MS);
    expect(new Date(r.fromMs).toISOString()).toBe('2026-03-10T11:34:00.000Z');
    expect(r.toMs).toBe(NOW);
    expect(r.buckets).toHaveLength(61);
  });

  it('covers 24 h and 7 d per hour, aligned to UTC hours', () => {
    const day = resolveRange(q({ range: '24h' }), NOW);
    expect(day.bucketMs).toBe(HOUR_MS);
    expect(new Date(day.fromMs).toISOString()).toBe('2026-03-09T12:00:00.000Z');
    expect(day.buckets).toHaveLength(25);
    expect(resolveRange(q({ range: '7d' }), NOW).buckets).toHaveLength(7 * 24 + 1);
    expect(resolveRange(q({}), NOW).preset).toBe('24h');
  });

  it('widens a custom range to whole buckets and never runs past now', () => {
    const r = resolveRange(q({ range: 'custom', from: '2026-03-01T10:15:00Z', to: '2026-03-02T09:05:00+01:00' }), NOW);
    expect(new Date(r.fromMs).toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(new Date(r.toMs).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    const future = resolveRange(q({ range: 'custom', from: '2026-03-10T00:00:00Z', to: '2026-03-11T00:00:00Z' }), NOW);
    expect(future.toMs).toBe(NOW);
    const month = resolveRange(q({ range: 'custom', from: '2026-02-01T00:00:00Z', to: '2026-03-03T00:00:00Z' }), NOW);
    expect(month.bucketMs).toBe(6 * HOUR_MS);
    expect(month.buckets).toHaveLength(30 * 4);
  });
});

describe('metricsInputSchema', () => {
  const paths = (v: unknown) => {
    const r = metricsInputSchema.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };
  it.each([
    ['custom without dates', { range: 'custom' }, ['from', 'to']],
    ['from after to', { range: 'custom', from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, ['to']],
    ['more than 31 days', { range: 'custom', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:01Z' }, ['to']],
    ['a date without a time zone', { range: 'custom', from: '2026-01-01T00:00:00', to: '2026-01-02T00:00:00Z' }, ['from']],
    ['dates with a preset', { range: '24h', from: '2026-01-01T00:00:00Z' }, ['from']],
    ['an unknown range', { range: '2d' }, ['range']],
  ])('refuses %s', (_name, v, expected) => {
    expect(paths(v)).toEqual(expected);
  });
  it('accepts exactly 31 days, Date objects, and ignores unknown keys', () => {
    expect(paths({ range: 'custom', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' })).toEqual([]);
    expect(paths({ range: 'custom', from: new Date(0), to: new Date(1000), _: '123' })).toEqual([]);
  });
});
