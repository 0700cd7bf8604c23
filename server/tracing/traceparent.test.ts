import { describe, expect, it } from 'vitest';
import { acceptTracestate, formatTraceparent, newSpanId, newTraceId, parseTraceparent } from './traceparent';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const P = '00f067aa0ba902b7';

describe('traceparent', () => {
  it("reads version 00: the spec's own example", () => {
    expect(parseTraceparent(`00-${T}-${P}-01`)).toEqual({ traceId: T, parentId: P, flags: '01' });
    expect(parseTraceparent(`00-${T}-${P}-00`)).toEqual({ traceId: T, parentId: P, flags: '00' });
  });

  it('reads a later version by its first four fields, ignoring what it appends', () => {
    expect(parseTraceparent(`01-${T}-${P}-01-future-field`)).toEqual({ traceId: T, parentId: P, flags: '01' });
  });

  it.each([
    ['absent', undefined],
    ['two headers', [`00-${T}-${P}-01`, `00-${T}-${P}-01`]],
    ['empty', ''],
    ['version ff', `ff-${T}-${P}-01`],
    ['a zero trace id', `00-${'0'.repeat(32)}-${P}-01`],
    ['a zero parent id', `00-${T}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${T.toUpperCase()}-${P}-01`],
    ['a short trace id', `00-${T.slice(1)}-${P}-01`],
    ['a long parent id', `00-${T}-${P}0-01`],
    ['one-digit flags', `00-${T}-${P}-1`],
    ['version 00 with more after it', `00-${T}-${P}-01-x`],
    ['a later version running on without a dash', `01-${T}-${P}-01x`],
    ['non-hex', `00-${T.replace('4', 'g')}-${P}-01`],
    ['a huge header', `01-${T}-${P}-01-${'x'.repeat(10_000)}`],
  ])('refuses %s', (_what, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('writes version 00, and makes ids of the right shape that are never all zeros', () => {
    expect(formatTraceparent({ traceId: T, parentId: P, flags: '01' })).toBe(`00-${T}-${P}-01`);
    const ids = Array.from({ length: 50 }, () => [newTraceId(), newSpanId()] as const);
    for (const [t, s] of ids) {
      expect(parseTraceparent(formatTraceparent({ traceId: t, parentId: s, flags: '01' }))).toEqual({ traceId: t, parentId: s, flags: '01' });
    }
    expect(new Set(ids.map(([t]) => t)).size).toBe(50);
  });
});

describe('tracestate', () => {
  it('is passed on as received, several headers joined into one list', () => {
    expect(acceptTracestate('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7')).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    expect(acceptTracestate(['a=1', 'b=2'])).toBe('a=1,b=2');
  });

  it('is dropped whole when longer than 512 characters or not printable ASCII, never cut', () => {
    expect(acceptTracestate(`a=${'x'.repeat(510)}`)).toHaveLength(512);
    expect(acceptTracestate(`a=${'x'.repeat(511)}`)).toBeUndefined();
    expect(acceptTracestate('a=1\u0000')).toBeUndefined();
    expect(acceptTracestate('a=é')).toBeUndefined();
    expect(acceptTracestate('  ')).toBeUndefined();
    expect(acceptTracestate(undefined)).toBeUndefined();
  });
});
