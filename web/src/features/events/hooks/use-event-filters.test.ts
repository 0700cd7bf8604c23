import { describe, expect, it } from 'vitest';
import { parsePayloadQuery, resolveTimeRange } from './use-event-filters';

describe('event log filters', () => {
  it('accepts a JSON object as payload search and names what is wrong otherwise', () => {
    expect(parsePayloadQuery('')).toEqual({ ok: true, value: undefined });
    expect(parsePayloadQuery(' {"agent_id":"geo_audit"} ')).toEqual({ ok: true, value: '{"agent_id":"geo_audit"}' });
    expect(parsePayloadQuery('{"agent_id":')).toMatchObject({ ok: false, error: expect.stringContaining('Not valid JSON') });
    expect(parsePayloadQuery('[1,2]')).toMatchObject({ ok: false, error: expect.stringContaining('JSON object') });
  });

  it('turns a sliding window into a start instant, rounded so the query key is stable', () => {
    const now = Date.parse('2026-01-01T12:00:29Z');
    expect(resolveTimeRange({ since: '1h', startDate: '', endDate: '' }, now)).toEqual({ start_date: '2026-01-01T11:00:00.000Z' });
    expect(resolveTimeRange({ since: '', startDate: '2026-01-01T00:00:00.000Z', endDate: '' }, now)).toEqual({ start_date: '2026-01-01T00:00:00.000Z' });
    expect(resolveTimeRange({ since: '', startDate: '', endDate: '' }, now)).toEqual({});
  });
});
