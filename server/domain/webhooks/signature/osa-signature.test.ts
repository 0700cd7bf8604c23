import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_OSA_HEADER_LENGTH, parseOsaSignatureHeader, signOsa } from './osa-signature';

const SECRET = 'opal-shared-secret';
const T = 1_700_000_000_000;
const BODY = '{"event_type":"workflow.started","workflow_id":"wf_123","offset":0}';
/*
 * Computed outside this code base:
 *   printf '%s' '1700000000000{"event_type":...,"offset":0}' | openssl dgst -sha256 -hmac 'opal-shared-secret'
 */
const EXPECTED_HEX = 'd69016a99a9ecf9d3b98e9a56b247327658853e0fc88dc06d627a492221c658c';

/** Every 16-bit code unit, lone surrogates included, so "any string" really is any. */
const anyCodeUnitString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 });

describe('signOsa', () => {
  it('matches an HMAC computed independently with crypto.createHmac and with openssl', () => {
    const independent = createHmac('sha256', Buffer.from(SECRET, 'utf8'))
      .update(Buffer.concat([Buffer.from(String(T), 'utf8'), Buffer.from(BODY, 'utf8')]))
      .digest('hex');
    expect(independent).toBe(EXPECTED_HEX);
    expect(signOsa({ secret: SECRET, rawBody: Buffer.from(BODY), timestampMs: T })).toBe(`t=${T},v1=${EXPECTED_HEX}`);
  });

  it('accepts a string body as its UTF-8 bytes', () => {
    expect(signOsa({ secret: SECRET, rawBody: BODY, timestampMs: T })).toBe(`t=${T},v1=${EXPECTED_HEX}`);
  });

  it('keys on the whole secret text, a whsec_ prefix included, as UTF-8', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    // openssl dgst -sha256 -hmac 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' over the same message
    expect(signOsa({ secret, rawBody: BODY, timestampMs: T })).toBe(
      `t=${T},v1=984857db44f83ea79ffe11cc974401ce45a915aa1584e305cfd53434767ea75b`,
    );
    const unicodeSecret = 'clé-secrète-🔑';
    const expected = createHmac('sha256', Buffer.from(unicodeSecret, 'utf8')).update(`${T}${BODY}`, 'utf8').digest('hex');
    expect(signOsa({ secret: unicodeSecret, rawBody: BODY, timestampMs: T })).toBe(`t=${T},v1=${expected}`);
  });

  it('signs raw bytes, not their text decoding', () => {
    const a = signOsa({ secret: SECRET, rawBody: Buffer.from([0x7b, 0xff, 0x7d]), timestampMs: T });
    const b = signOsa({ secret: SECRET, rawBody: Buffer.from([0x7b, 0xfe, 0x7d]), timestampMs: T });
    expect(a).not.toBe(b);
  });

  it('changes with the body, the secret and the timestamp', () => {
    const base = signOsa({ secret: SECRET, rawBody: BODY, timestampMs: T });
    expect(signOsa({ secret: SECRET, rawBody: `${BODY} `, timestampMs: T })).not.toBe(base);
    expect(signOsa({ secret: `${SECRET}x`, rawBody: BODY, timestampMs: T })).not.toBe(base);
    expect(signOsa({ secret: SECRET, rawBody: BODY, timestampMs: T + 1 }).split('v1=')[1]).not.toBe(base.split('v1=')[1]);
  });

  it('refuses a timestamp that is not a non-negative safe integer', () => {
    for (const timestampMs of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
      expect(() => signOsa({ secret: SECRET, rawBody: BODY, timestampMs })).toThrow(RangeError);
    }
  });
});

describe('parseOsaSignatureHeader', () => {
  const hexA = 'a'.repeat(64);
  const hexB = '0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789';

  it('parses t and one v1', () => {
    expect(parseOsaSignatureHeader(`t=${T},v1=${hexA}`)).toEqual({ timestampMs: T, signatures: [hexA] });
  });

  it('parses several v1 entries in order', () => {
    expect(parseOsaSignatureHeader(`t=${T},v1=${hexA},v1=${hexB}`)).toEqual({ timestampMs: T, signatures: [hexA, hexB] });
  });

  it('accepts t after the signatures', () => {
    expect(parseOsaSignatureHeader(`v1=${hexA},t=${T}`)).toEqual({ timestampMs: T, signatures: [hexA] });
  });

  it('tolerates spaces and tabs around parts, keys and values', () => {
    expect(parseOsaSignatureHeader(` t = ${T} ,\tv1=${hexA}\t, v1 =${hexB} `)).toEqual({
      timestampMs: T,
      signatures: [hexA, hexB],
    });
  });

  it('ignores unknown keys such as v0', () => {
    expect(parseOsaSignatureHeader(`t=${T},v0=${hexB},v1=${hexA},foo=bar baz`)).toEqual({ timestampMs: T, signatures: [hexA] });
  });

  it('accepts t=0 and hex of any length (length mismatches are decided when comparing)', () => {
    expect(parseOsaSignatureHeader('t=0,v1=00')).toEqual({ timestampMs: 0, signatures: ['00'] });
    expect(parseOsaSignatureHeader('t=1,v1=abc')).toEqual({ timestampMs: 1, signatures: ['abc'] });
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['non-integer t', 't=abc,v1=00'],
    ['missing t', 'v1=00'],
    ['missing v1', 't=1'],
    ['non-hex v1', 't=1,v1=zz'],
    ['v1 with a non-hex tail', 't=1,v1=00zz'],
    ['empty v1', 't=1,v1='],
    ['empty t', 't=,v1=00'],
    ['fractional t', 't=1.5,v1=00'],
    ['exponent t', 't=1e3,v1=00'],
    ['negative t', 't=-1,v1=00'],
    ['signed t', 't=+1,v1=00'],
    ['leading-zero t', 't=01,v1=00'],
    ['hex t', 't=0x10,v1=00'],
    ['unsafe-integer t', 't=9007199254740993,v1=00'],
    ['repeated t (e.g. a repeated header joined by Node)', 't=1,v1=00, t=2,v1=11'],
    ['trailing comma', 't=1,v1=00,'],
    ['leading comma', ',t=1,v1=00'],
    ['empty middle part', 't=1,,v1=00'],
    ['part without =', 't=1,v1=00,garbage'],
    ['empty key', 't=1,=00,v1=00'],
    ['semicolon separators', 't=1;v1=00'],
    ['upper-case keys', 'T=1,V1=00'],
    ['huge garbage', 'x'.repeat(100_000)],
    ['huge valid-looking header over the length cap', `t=1${',v1=00'.repeat(MAX_OSA_HEADER_LENGTH)}`],
  ])('returns null for %s', (_label, header) => {
    expect(parseOsaSignatureHeader(header)).toBeNull();
  });

  it('returns null rather than throwing for non-string input', () => {
    for (const value of [undefined, null, 1, {}, ['t=1,v1=00']]) {
      expect(parseOsaSignatureHeader(value as unknown as string)).toBeNull();
    }
  });

  it('never throws for arbitrary strings', () => {
    fc.assert(
      fc.property(anyCodeUnitString, (header) => {
        parseOsaSignatureHeader(header);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws for strings built from the header grammar, and every result is well formed', () => {
    const token = fc.constantFrom('t', 'v1', 'v0', '=', ',', ' ', '\t', '0', '1', '9', 'a', 'F', 'z', '-', '.', 'e', '');
    const header = fc.array(token, { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(header, (h) => {
        const parsed = parseOsaSignatureHeader(h);
        if (parsed !== null) {
          expect(Number.isSafeInteger(parsed.timestampMs) && parsed.timestampMs >= 0).toBe(true);
          expect(parsed.signatures.length).toBeGreaterThan(0);
          for (const s of parsed.signatures) expect(s).toMatch(/^[0-9a-fA-F]+$/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips what signOsa produces', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 2 ** 48 }), (secret, body, t) => {
        const header = signOsa({ secret, rawBody: Buffer.from(body), timestampMs: t });
        const parsed = parseOsaSignatureHeader(header);
        expect(parsed?.timestampMs).toBe(t);
        expect(parsed?.signatures).toHaveLength(1);
        expect(parsed?.signatures[0]).toMatch(/^[0-9a-f]{64}$/);
      }),
    );
  });
});
