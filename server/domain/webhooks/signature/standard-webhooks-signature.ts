/**
 * The Standard Webhooks scheme (https://www.standardwebhooks.com/, what
 * Svix-style relays send):
 *
 *   webhook-id: <id>
 *   webhook-timestamp: <unix seconds>
 *   webhook-signature: v1,<base64> [v1,<base64> ...]
 *
 * each signature being HMAC-SHA256 over `<id>.<timestamp>.<raw body>`.
 *
 * What we take from the reference `standardwebhooks` package, and why not more:
 * - Key derivation: its constructor decides whether a secret is base64 (strip
 *   `whsec_`, then its decoder's rules), so a secret means exactly what it
 *   means to a sender using the package.
 * - Not its verify(): it reads the wall clock (our `now` is injected), its
 *   window allows 5 minutes ahead (ours 60 s), it hashes with a pure-JS
 *   SHA-256 (slow on a hot path), it decodes a Buffer body to text (we sign
 *   raw bytes, as the spec says) and it JSON-parses the body.
 * - Not its sign() either, for the same Buffer-to-text reason: our signer
 *   (server/test-support/sign-standard-webhook.ts, for tests) and verifier
 *   must agree on any bytes. The tests use the package as an independent
 *   oracle instead.
 *
 * Choosing the scheme, the window and the result shape live in
 * verify-signature.ts.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

const SECRET_PREFIX = 'whsec_';

/** Bounds the parser's work whatever a client sends; room for dozens of signatures. */
export const MAX_STANDARD_SIGNATURE_HEADER_LENGTH = 4096;

/** Canonical decimal, as the reference re-serialises the timestamp it signs. */
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
/** Padded standard-alphabet base64, as the reference emits. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/**
 * Printable ASCII, 1–256 chars. The id is signed as text and Node hands us
 * header bytes as latin1, so non-ASCII ids could never verify reliably; 256
 * keeps the `wh:<id>` dedup key bounded.
 */
const WEBHOOK_ID = /^[\x20-\x7e]{1,256}$/;

/** base64 of a 32-byte MAC: 43 characters, one `=`. */
const MAC_BASE64_LENGTH = 44;
/**
 * The 43rd character of a 32-byte MAC's base64 carries 4 data bits and 2 zero
 * bits, so only these 16 characters are canonical there. Refusing the others
 * keeps "decoded bytes equal" the same as the reference's "strings equal".
 */
const CANONICAL_LAST_CHAR = 'AEIMQUYcgkosw048';

/**
 * The HMAC key for a secret, as `new Webhook(secret)` derives it: `whsec_`
 * removed, then base64-decoded. If the package refuses the (prefix-stripped)
 * secret as base64, the key is its UTF-8 bytes, so a plain-text shared secret
 * still works. Note that a secret made only of base64 characters (e.g.
 * "mysecretvalue") is always decoded, as the package does, even if its owner
 * meant it as text.
 *
 * The package's constructor is the judge of "valid base64" (its decoder is
 * stricter than Node's: no URL-safe alphabet, no whitespace, at least 4
 * characters, at most 2 `=`). The package keeps the decoded key private, so
 * the bytes come from Node's decoder, which yields the same bytes for every
 * string the package accepts (both drop the trailing partial byte); the tests
 * check this against the package's own key and signatures.
 *
 * Throws if the resulting key is empty (e.g. the secret "whsec_").
 */
export function deriveStandardWebhookKey(secret: string): Buffer {
  const stripped = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = packageAcceptsBase64(secret) ? Buffer.from(stripped, 'base64') : Buffer.from(stripped, 'utf8');
  if (key.length === 0) throw new Error('a webhook secret must not be empty');
  return key;
}

function packageAcceptsBase64(secret: string): boolean {
  try {
    new Webhook(secret);
    return true;
  } catch {
    return false; // Not base64 by the package's rules, or empty.
  }
}

export function createStandardWebhookKey(secret: string): KeyObject {
  return createSecretKey(deriveStandardWebhookKey(secret));
}

/**
 * The v1 signatures of a `webhook-signature` header, or null if it is
 * malformed: too long, no v1 entry, or a v1 entry whose value is not padded
 * base64. Entries are separated by spaces (runs of spaces tolerated); entries
 * of other versions (e.g. `v1a` asymmetric signatures) are ignored, as the
 * reference does. Never throws.
 */
export function parseStandardWebhookSignatureHeader(header: string): string[] | null {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_STANDARD_SIGNATURE_HEADER_LENGTH) {
    return null;
  }
  const signatures: string[] = [];
  const length = header.length;
  let start = 0;
  while (start < length) {
    let end = header.indexOf(' ', start);
    if (end === -1) end = length;
    if (end > start) {
      const comma = header.indexOf(',', start);
      if (comma !== -1 && comma < end && comma - start === 2 && header.startsWith('v1', start)) {
        const value = header.slice(comma + 1, end);
        if (value.length % 4 !== 0 || !BASE64.test(value)) return null;
        signatures.push(value);
      }
    }
    start = end + 1;
  }
  return signatures.length === 0 ? null : signatures;
}

/** Unix seconds from `webhook-timestamp`, or null unless canonical decimal and in range. Never throws. */
export function parseStandardWebhookTimestamp(header: string): number | null {
  if (typeof header !== 'string' || header.length > 16 || !DECIMAL.test(header)) return null;
  const seconds = Number(header);
  return Number.isSafeInteger(seconds * 1000) ? seconds : null;
}

/** True if the `webhook-id` value is one we accept (printable ASCII, 1–256 chars). */
export function isValidWebhookId(id: string): boolean {
  return typeof id === 'string' && WEBHOOK_ID.test(id);
}

/** HMAC-SHA256 over `<id>.<timestamp>.` then the raw body, without concatenating the body. */
export function computeStandardWebhookMac(key: KeyObject, id: string, timestampSeconds: number, rawBody: Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestampSeconds}.`, 'utf8').update(rawBody).digest();
}

/**
 * True if any v1 signature is the MAC under any key (rotation: all keys are
 * tried). A signature that is not a canonical 32-byte base64 is simply not a
 * match. Comparisons are constant-time; stopping at the first match only
 * affects the timing of a request that already holds a valid signature.
 */
export function matchStandardWebhookSignature(
  keys: readonly KeyObject[],
  id: string,
  timestampSeconds: number,
  signatures: readonly string[],
  rawBody: Buffer,
): boolean {
  const candidates: Buffer[] = [];
  for (const sig of signatures) {
    if (
      sig.length === MAC_BASE64_LENGTH &&
      sig.charCodeAt(43) === 0x3d /* '=' */ &&
      CANONICAL_LAST_CHAR.includes(sig.charAt(42))
    ) {
      candidates.push(Buffer.from(sig, 'base64'));
    }
  }
  if (candidates.length === 0) return false;
  for (const key of keys) {
    const mac = computeStandardWebhookMac(key, id, timestampSeconds, rawBody);
    for (const candidate of candidates) {
      if (timingSafeEqual(candidate, mac)) return true;
    }
  }
  return false;
}
