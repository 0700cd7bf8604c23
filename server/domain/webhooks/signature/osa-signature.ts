/**
 * The OSA signature scheme, as sent by the original Opal tool relay:
 *
 *   X-OSA-Signature: t=<unix ms>,v1=<hex>[,v1=<hex>...]
 *
 * where each hex value is HMAC-SHA256(key = UTF-8 bytes of the secret text,
 * message = `<t>` as decimal text immediately followed by the raw body bytes).
 * See DESIGN.md "Webhook protocol".
 *
 * This file only knows the header format and the MAC; choosing the scheme,
 * the timestamp window and the result shape live in verify-signature.ts.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

export interface ParsedOsaSignature {
  timestampMs: number;
  /** The v1 values as sent (hex, either case). */
  signatures: string[];
}

/**
 * Longer headers are refused without looking at them, so the parser's work is
 * bounded whatever a client sends. 4 KiB still fits ~60 v1 entries, far more
 * than a relay rotating secrets needs.
 */
export const MAX_OSA_HEADER_LENGTH = 4096;

/** An HMAC-SHA256 is 32 bytes, i.e. 64 hex characters. */
const MAC_HEX_LENGTH = 64;

/*
 * Canonical decimal only (no sign, no leading zeros, no exponent): the MAC is
 * computed over the decimal text of `t`, so accepting "007" would make the
 * text we re-serialise differ from the text that was signed.
 */
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const HEX = /^[0-9a-fA-F]+$/;

/**
 * Parses `t=<unix ms>,v1=<hex>[,v1=<hex>...]`. Optional whitespace (space,
 * tab) around parts, keys and values is tolerated; keys other than `t` and
 * `v1` (e.g. `v0=`) are ignored. Returns null for anything malformed: no or
 * repeated `t`, a `t` that is not a non-negative safe integer, no `v1`, an
 * empty or non-hex `v1`, an empty part, a part without `=`.
 *
 * A repeated `t` is refused rather than "last wins" because Node joins a
 * repeated header with ", ": two signatures glued together must not verify
 * with one's timestamp and the other's MAC.
 *
 * Never throws for any string (or, defensively, non-string) input.
 */
export function parseOsaSignatureHeader(header: string): ParsedOsaSignature | null {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_OSA_HEADER_LENGTH) {
    return null;
  }
  let timestampMs: number | undefined;
  const signatures: string[] = [];
  const length = header.length;
  let start = 0;
  // Hand-rolled split: no intermediate arrays, one slice per key and value.
  while (start <= length) {
    let end = header.indexOf(',', start);
    if (end === -1) end = length;
    const eq = header.indexOf('=', start);
    if (eq === -1 || eq >= end) return null;
    const key = trimOws(header, start, eq);
    const value = trimOws(header, eq + 1, end);
    if (key === 't') {
      if (timestampMs !== undefined || !DECIMAL.test(value)) return null;
      const n = Number(value);
      if (!Number.isSafeInteger(n)) return null;
      timestampMs = n;
    } else if (key === 'v1') {
      if (!HEX.test(value)) return null;
      signatures.push(value);
    } else if (key.length === 0) {
      return null;
    }
    start = end + 1;
  }
  if (timestampMs === undefined || signatures.length === 0) return null;
  return { timestampMs, signatures };
}

/** Slice of s[from, to) without leading/trailing HTTP optional whitespace. */
function trimOws(s: string, from: number, to: number): string {
  while (from < to && isOws(s.charCodeAt(from))) from++;
  while (to > from && isOws(s.charCodeAt(to - 1))) to--;
  return s.slice(from, to);
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** The OSA key is the secret's UTF-8 text, whole (a `whsec_` prefix included). */
export function createOsaKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** HMAC-SHA256 over `<t>` then the raw body, without concatenating them. */
export function computeOsaMac(key: KeyObject, timestampMs: number, rawBody: Buffer): Buffer {
  return createHmac('sha256', key).update(String(timestampMs), 'latin1').update(rawBody).digest();
}

/**
 * True if any v1 value in `parsed` is the MAC under any key. Every key is
 * tried (rotation); a v1 value of the wrong length is simply not a match.
 * Comparisons are constant-time; stopping at the first match only tells the
 * timing of a request that already holds a valid signature.
 */
export function matchOsaSignature(keys: readonly KeyObject[], parsed: ParsedOsaSignature, rawBody: Buffer): boolean {
  // Decode the candidates once, not once per key.
  const candidates: Buffer[] = [];
  for (const hex of parsed.signatures) {
    if (hex.length === MAC_HEX_LENGTH) candidates.push(Buffer.from(hex, 'hex'));
  }
  if (candidates.length === 0) return false;
  for (const key of keys) {
    const mac = computeOsaMac(key, parsed.timestampMs, rawBody);
    for (const candidate of candidates) {
      if (timingSafeEqual(candidate, mac)) return true;
    }
  }
  return false;
}

/** The full header value `t=<ms>,v1=<hex>` for a body; for tests and tools. */
export function signOsa({ secret, rawBody, timestampMs }: { secret: string; rawBody: Buffer | string; timestampMs: number }): string {
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw new RangeError('timestampMs must be a non-negative safe integer');
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const mac = computeOsaMac(createOsaKey(secret), timestampMs, body);
  return `t=${timestampMs},v1=${mac.toString('hex')}`;
}
