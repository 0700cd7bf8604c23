import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPercent, formatRelative, humanize, shortId } from './format';

describe('format helpers', () => {
  it('formats durations the way a table needs them', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(5000)).toBe('5 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(192_000)).toBe('3 min 12 s');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
  });

  it('says relative times in both directions', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatRelative('2026-01-01T11:59:58Z', now)).toBe('just now');
    expect(formatRelative('2026-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(formatRelative('2026-01-01T11:57:00Z', now)).toBe('3 min ago');
    expect(formatRelative('2026-01-01T09:00:00Z', now)).toBe('3 h ago');
    expect(formatRelative('2025-12-30T12:00:00Z', now)).toBe('2 days ago');
    expect(formatRelative('2026-01-01T12:05:00Z', now)).toBe('in 5 min');
    expect(formatRelative(null, now)).toBe('—');
  });

  it('formats sizes, percentages, ids and agent names', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2 KiB');
    expect(formatPercent(95)).toBe('95%');
    expect(formatPercent(12.34)).toBe('12.3%');
    expect(humanize('personalization_idea_generator')).toBe('Personalization idea generator');
    expect(shortId('0123456789abcdef0123456789')).toBe('01234567…6789');
  });
});
