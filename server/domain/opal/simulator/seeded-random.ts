import { randomInt } from 'node:crypto';

/**
 * The simulator's only source of randomness. With OPAL_SIMULATOR_SEED set a
 * developer must be able to reproduce a run exactly (which agents failed,
 * which ids came out), so everything random is drawn from a seeded PRNG and
 * never from Math.random. mulberry32 is tiny, fast and good enough for
 * picking failures; it is not for anything secret.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, 2^32). */
  uint32(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** `bytes` random bytes as lower-case hex. */
  hex(bytes: number): string;
}

const TWO_32 = 2 ** 32;

/** mulberry32 over a 32-bit state, as published by Tommy Ettinger. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_32;
  };
}

/**
 * A seed may be any safe integer (the env schema allows up to 2^53-1).
 * `seed >>> 0` alone would drop the high bits and make 1 and 2^32+1 the same
 * run, so the high word is folded into the low one.
 */
export function foldSeed(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError('seed must be a non-negative safe integer');
  return ((seed % TWO_32) ^ Math.floor(seed / TWO_32)) >>> 0;
}

export function createRandom(seed: number): Random {
  const next = mulberry32(foldSeed(seed));
  const uint32 = () => Math.floor(next() * TWO_32);
  return {
    next,
    uint32,
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    hex: (bytes) => {
      let out = '';
      for (let i = 0; i < bytes; i++) out += Math.floor(next() * 256).toString(16).padStart(2, '0');
      return out;
    },
  };
}

/** A seed for a run nobody asked to repeat. */
export function randomSeed(): number {
  return randomInt(0, TWO_32);
}
