import { createHash } from 'node:crypto';

/**
 * Whether two keys are the same key to HMAC-SHA256: a key shorter than the
 * 64-byte block is padded with zeros and a longer one is hashed, so [4] and
 * [4, 0] sign alike. Property tests that pick two "different" secrets must
 * not count such a pair as a forgery.
 */
export function sameHmacKey(a: Buffer, b: Buffer): boolean {
  const block = (k: Buffer) => {
    const key = k.length > 64 ? createHash('sha256').update(k).digest() : k;
    return Buffer.concat([key, Buffer.alloc(64 - key.length)]);
  };
  return block(a).equals(block(b));
}
