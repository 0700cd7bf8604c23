import { describe, expect, it } from 'vitest';
import { createRandom, foldSeed, mulberry32 } from './seeded-random';

describe('seeded random', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(seqA);
  });

  it('is the reference mulberry32', () => {
    // The widely copied reference code (bryc), verbatim apart from types.
    const reference = (seed: number) => {
      let a = seed;
      return () => {
        let t = (a += 0x6d2b79f5);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    };
    for (const seed of [0, 1, 42, 0xdeadbeef]) {
      const ours = mulberry32(seed);
      const theirs = reference(seed);
      for (let i = 0; i < 1000; i++) expect(ours()).toBe(theirs());
    }
  });

  it('stays in range', () => {
    const r = createRandom(9);
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = r.int(9);
      expect(Number.isInteger(n) && n >= 0 && n < 9).toBe(true);
    }
    expect(r.hex(8)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps the high bits of a large seed', () => {
    expect(foldSeed(1)).not.toBe(foldSeed(2 ** 32 + 1));
    expect(foldSeed(Number.MAX_SAFE_INTEGER)).toBeGreaterThanOrEqual(0);
    expect(() => foldSeed(-1)).toThrow(RangeError);
    expect(() => foldSeed(1.5)).toThrow(RangeError);
  });
});
