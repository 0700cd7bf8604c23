import { describe, expect, it } from 'vitest';
import { bucketOf, boundsOf, LAST_BUCKET, LatencyHistogram, RATIO } from './latency-histogram';

/** percentile_cont, as PostgreSQL computes it. */
function exact(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const rank = p * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

/** A seeded generator, so a failure can be reproduced. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('latency histogram', () => {
  it('puts a value in the bucket whose bounds hold it, from below 1 ms to past an hour', () => {
    for (const v of [0, 0.5, 1, 1.5, 2, 7, 99.9, 100, 1234.5, 60_000, 3_599_999]) {
      const b = bucketOf(v);
      const { lo, hi } = boundsOf(b);
      expect(v).toBeGreaterThanOrEqual(lo * (1 - 1e-12));
      expect(v).toBeLessThan(hi * (1 + 1e-12));
    }
    expect(bucketOf(10 * 3_600_000)).toBe(LAST_BUCKET);
    expect(bucketOf(-5)).toBe(0);
    expect(boundsOf(2).hi / boundsOf(2).lo).toBeCloseTo(RATIO, 10);
  });

  it.each([
    ['log-normal processing times', (r: () => number) => Math.round(Math.exp(3.7 + 0.9 * Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r())))],
    ['uniform 5 ms to 5 s', (r: () => number) => 5 + Math.floor(r() * 5000)],
    ['a slow tail (5% at 20–60 s)', (r: () => number) => (r() < 0.05 ? 20_000 + r() * 40_000 : 20 + r() * 200)],
  ])('gives P50/P95/P99 within 5 percent of percentile_cont for %s', (_name, draw) => {
    const r = lcg(42);
    const values = Array.from({ length: 20_000 }, () => draw(r));
    const h = new LatencyHistogram();
    for (const v of values) h.addBucket(bucketOf(v), 1);
    const got = h.percentiles([0.5, 0.95, 0.99]);
    [0.5, 0.95, 0.99].forEach((p, i) => {
      const want = exact(values, p);
      expect(Math.abs(got[i]! - want) / want).toBeLessThan(0.05);
    });
  });

  it('merges sparse histograms into the same answer as one histogram of everything', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let v = 1; v < 3000; v += 7) {
      (v % 2 ? a : b).addBucket(bucketOf(v), 1);
      all.addBucket(bucketOf(v), 1);
    }
    const merged = new LatencyHistogram();
    merged.addSparse(a.toSparse(), 10);
    merged.addSparse(b.toSparse(), 20);
    expect(merged.count).toBe(all.count);
    expect(merged.sumMs).toBe(30);
    expect(merged.percentiles([0.5, 0.99])).toEqual(all.percentiles([0.5, 0.99]));
  });

  it('answers null for an empty histogram and ignores junk keys', () => {
    const h = new LatencyHistogram();
    h.addSparse({ x: 3, '-1': 2, '99999': 1, '5': -1 });
    expect(h.count).toBe(0);
    expect(h.percentiles([0.5])).toEqual([null]);
    expect(h.avg()).toBeNull();
  });
});

describe('latency histogram on small samples', () => {
  it('interpolates between neighbours as percentile_cont does, and is exact for whole milliseconds below 34 ms', () => {
    const h = new LatencyHistogram();
    for (const v of [100, 200, 300, 400, 500, 600, 700, 800]) h.addBucket(bucketOf(v), 1);
    const [p50, p95, p99] = h.percentiles([0.5, 0.95, 0.99]);
    expect(Math.abs(p50! - 450) / 450).toBeLessThan(0.03);
    expect(Math.abs(p95! - 765) / 765).toBeLessThan(0.03);
    expect(Math.abs(p99! - 793) / 793).toBeLessThan(0.03);
    const small = new LatencyHistogram();
    for (const v of [3, 4, 4, 7, 20]) small.addBucket(bucketOf(v), 1);
    expect(small.percentiles([0.25, 0.5, 0.5, 0.625, 1])).toEqual([4, 4, 4, 5.5, 20]);
  });
});
