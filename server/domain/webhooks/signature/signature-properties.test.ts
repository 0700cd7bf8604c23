/**
 * Property tests of the two signature schemes as an attacker sees them: any
 * header value, any body, any clock. The example-based tests beside this file
 * pin the formats; these check that no input makes the verifier throw and that
 * nothing but the secret makes it say yes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameHmacKey } from '../../../test-support/same-hmac-key';
import { signStandardWebhook } from '../../../test-support/sign-standard-webhook';
import { parseOsaSignatureHeader, signOsa } from './osa-signature';
import {
  deriveStandardWebhookKey,
  isValidWebhookId,
  parseStandardWebhookSignatureHeader,
  parseStandardWebhookTimestamp,
} from './standard-webhooks-signature';
import { MAX_AGE_MS, MAX_FUTURE_MS, createSignatureVerifier, type VerifyResult, type WebhookHeaders } from './verify-signature';

/** Reproducible by default; FC_SEED=<n> replays another run (fast-check prints the seed of a failure). */
const SEED = Number(process.env.FC_SEED ?? 20_240_611);
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

const NOW = 1_700_000_000_000;
const REASONS = ['missing_signature', 'malformed_signature', 'invalid_signature', 'stale_timestamp', 'future_timestamp'];

/** Any UTF-16 code unit, lone surrogates and NUL included. */
const anyUnitString = (maxLength = 120) =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength });
/** What Node can hand us as a header value: latin1 text. */
const latin1String = (maxLength = 120) =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength });
/** Strings built from the headers' own grammar, so that near-misses are common. */
const grammarString = fc
  .array(
    fc.constantFrom('t=', 'v1=', 'v1,', 'v0=', 'v1a,', '=', ',', ' ', '\t', '0', '1', '9', 'a', 'F', 'z', '+', '/', '-', '.', 'e', 'whsec_', `${NOW}`),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));
const headerValue = fc.oneof(anyUnitString(), latin1String(), grammarString, latin1String(5000));
/** A header as Node gives it: absent, one value, or repeated (an array). */
const headerSlot = fc.option(fc.oneof({ weight: 4, arbitrary: headerValue }, { weight: 1, arbitrary: fc.array(headerValue, { maxLength: 3 }) }), {
  nil: undefined,
});
const headersArb: fc.Arbitrary<WebhookHeaders> = fc
  .record({
    'x-osa-signature': headerSlot,
    'webhook-signature': headerSlot,
    'webhook-id': headerSlot,
    'webhook-timestamp': headerSlot,
    other: headerSlot,
  })
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)));

const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.json().map((t) => Buffer.from(t)),
  fc.string({ unit: 'grapheme', maxLength: 100 }).map((t) => Buffer.from(t)),
);

/** A secret the configuration would refuse (e.g. "whsec_" alone) is out of scope here. */
function usableSecret(s: string): boolean {
  try {
    deriveStandardWebhookKey(s);
    return true;
  } catch {
    return false;
  }
}

/** Secrets a deployment may hold: whsec_ base64, bare base64, plain text (OSA keys on the whole text either way). */
const secretArb = fc.oneof(
  fc.uint8Array({ minLength: 24, maxLength: 48 }).map((b) => `whsec_${Buffer.from(b).toString('base64')}`),
  fc.uint8Array({ minLength: 24, maxLength: 48 }).map((b) => Buffer.from(b).toString('base64')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
).filter(usableSecret);
const secretsArb = fc.array(secretArb, { minLength: 1, maxLength: 3 });
const webhookIdArb = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 60 });

/** Two secret lists that share no key, for either scheme. */
function disjointKeys(signing: string, others: readonly string[]): boolean {
  const swKey = deriveStandardWebhookKey(signing);
  const osaKey = Buffer.from(signing, 'utf8');
  return others.every((o) => !sameHmacKey(Buffer.from(o, 'utf8'), osaKey) && !sameHmacKey(deriveStandardWebhookKey(o), swKey));
}

function expectRefusal(result: VerifyResult, secrets: readonly string[]): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(REASONS).toContain(result.reason);
  expect(typeof result.message).toBe('string');
  expect(result.message.length).toBeGreaterThan(0);
  for (const s of secrets) {
    // Short plain-text secrets can occur in any message by chance; long ones must not.
    if (s.length >= 16) expect(result.message).not.toContain(s);
  }
}

function osaHeaders(secret: string, body: Buffer, timestampMs: number): WebhookHeaders {
  return { 'x-osa-signature': signOsa({ secret, rawBody: body, timestampMs }) };
}

function swHeaders(secret: string, id: string, body: Buffer, timestampSeconds: number): WebhookHeaders {
  return signStandardWebhook({ secret, id, timestampSeconds, rawBody: body });
}

/** Replaces the character at `index` with a different one from `alphabet`. */
function flipChar(text: string, index: number, alphabet: string, pick: number): string {
  const current = text[index]!;
  const choices = alphabet.split('').filter((c) => c.toLowerCase() !== current.toLowerCase());
  return text.slice(0, index) + choices[pick % choices.length]! + text.slice(index + 1);
}

const HEX = '0123456789abcdef';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('header parsers on arbitrary input', () => {
  it('never throw, and return either null or a well-formed result', () => {
    fc.assert(
      fc.property(fc.oneof(headerValue, anyUnitString(5000)), (h) => {
        const osa = parseOsaSignatureHeader(h);
        if (osa !== null) {
          expect(Number.isSafeInteger(osa.timestampMs) && osa.timestampMs >= 0).toBe(true);
          expect(osa.signatures.length).toBeGreaterThan(0);
          for (const s of osa.signatures) expect(s).toMatch(/^[0-9a-fA-F]+$/);
        }
        const sw = parseStandardWebhookSignatureHeader(h);
        if (sw !== null) for (const s of sw) expect(s).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
        const ts = parseStandardWebhookTimestamp(h);
        if (ts !== null) expect(Number.isSafeInteger(ts * 1000) && ts >= 0).toBe(true);
        expect(typeof isValidWebhookId(h)).toBe('boolean');
      }),
      runs(2000),
    );
  });

  it('never throw for values that are not strings at all', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const h = v as string;
        if (typeof v !== 'string') {
          expect(parseOsaSignatureHeader(h)).toBeNull();
          expect(parseStandardWebhookSignatureHeader(h)).toBeNull();
          expect(parseStandardWebhookTimestamp(h)).toBeNull();
          expect(isValidWebhookId(h)).toBe(false);
        }
      }),
      runs(500),
    );
  });
});

describe('verify() without the secret', () => {
  it('returns a typed refusal, never throws, for any headers, body and clock', () => {
    fc.assert(
      fc.property(secretsArb, headersArb, bodyArb, fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), (secrets, headers, body, now) => {
        const result = createSignatureVerifier(secrets).verify({ rawBody: body, headers, now });
        expectRefusal(result, secrets);
      }),
      runs(1500),
    );
  });

  it('refuses a correct signature made with another secret, inside or outside the window, always as invalid_signature', () => {
    fc.assert(
      fc.property(
        secretArb,
        secretsArb,
        bodyArb,
        webhookIdArb,
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        fc.boolean(),
        (signing, configured, body, id, skewMs, osa) => {
          fc.pre(disjointKeys(signing, configured));
          const t = NOW + skewMs;
          const headers = osa ? osaHeaders(signing, body, t) : swHeaders(signing, id, body, Math.floor(t / 1000));
          const result = createSignatureVerifier(configured).verify({ rawBody: body, headers, now: NOW });
          expectRefusal(result, configured);
          // The window is only judged after the MAC: a caller without the secret learns nothing about it.
          expect(result).toMatchObject({ ok: false, reason: 'invalid_signature', scheme: osa ? 'osa' : 'standard_webhooks' });
        },
      ),
      runs(1000),
    );
  });

  it('refuses random signatures of the right shape', () => {
    fc.assert(
      fc.property(
        secretsArb,
        bodyArb,
        webhookIdArb,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: -60, max: 60 }),
        (secrets, body, id, mac, skewS) => {
          const t = NOW + skewS * 1000;
          const verifier = createSignatureVerifier(secrets);
          const macBytes = Buffer.from(mac);
          const osa = verifier.verify({ rawBody: body, headers: { 'x-osa-signature': `t=${t},v1=${macBytes.toString('hex')}` }, now: NOW });
          expect(osa).toMatchObject({ ok: false, reason: 'invalid_signature' });
          const sw = verifier.verify({
            rawBody: body,
            headers: { 'webhook-id': id, 'webhook-timestamp': String(t / 1000), 'webhook-signature': `v1,${macBytes.toString('base64')}` },
            now: NOW,
          });
          expect(sw).toMatchObject({ ok: false, reason: 'invalid_signature' });
        },
      ),
      runs(1000),
    );
  });
});

describe('verify() with the secret', () => {
  // An age (now - t) inside the window: up to 300 s old, up to 60 s ahead.
  const inWindowSkew = fc.integer({ min: -MAX_FUTURE_MS, max: MAX_AGE_MS });

  it('accepts a correctly signed body (OSA), with the secret anywhere in a rotation list', () => {
    fc.assert(
      fc.property(secretsArb, fc.nat(), bodyArb, inWindowSkew, (secrets, pick, body, skew) => {
        const secret = secrets[pick % secrets.length]!;
        const t = NOW - skew;
        const result = createSignatureVerifier(secrets).verify({ rawBody: body, headers: osaHeaders(secret, body, t), now: NOW });
        expect(result).toEqual({ ok: true, scheme: 'osa', timestamp: new Date(t) });
      }),
      runs(1000),
    );
  });

  it('accepts a correctly signed body (Standard Webhooks), with the secret anywhere in a rotation list', () => {
    fc.assert(
      fc.property(secretsArb, fc.nat(), bodyArb, webhookIdArb, inWindowSkew, (secrets, pick, body, id, skew) => {
        const secret = secrets[pick % secrets.length]!;
        // Whole seconds, still inside the window once truncated.
        const seconds = Math.ceil((NOW - skew) / 1000);
        fc.pre(seconds * 1000 <= NOW + MAX_FUTURE_MS);
        const result = createSignatureVerifier(secrets).verify({ rawBody: body, headers: swHeaders(secret, id, body, seconds), now: NOW });
        expect(result).toEqual({ ok: true, scheme: 'standard_webhooks', timestamp: new Date(seconds * 1000), webhookId: id });
      }),
      runs(1000),
    );
  });

  it('respects the window at millisecond precision: accepted iff now - 300 s <= t <= now + 60 s', () => {
    // Ages around both edges; Standard Webhooks timestamps are whole seconds, so its ages are too.
    const msAge = fc.oneof(
      fc.integer({ min: -10 * MAX_AGE_MS, max: 10 * MAX_AGE_MS }),
      fc.integer({ min: -3, max: 3 }).map((d) => MAX_AGE_MS + d),
      fc.integer({ min: -3, max: 3 }).map((d) => -MAX_FUTURE_MS + d),
    );
    const secondAge = fc.oneof(
      fc.integer({ min: -3000, max: 3000 }).map((s) => s * 1000),
      fc.integer({ min: -2, max: 2 }).map((d) => MAX_AGE_MS + d * 1000),
      fc.integer({ min: -2, max: 2 }).map((d) => -MAX_FUTURE_MS + d * 1000),
    );
    const arb = fc.oneof(
      fc.record({ osa: fc.constant(true), age: msAge }),
      fc.record({ osa: fc.constant(false), age: secondAge }),
    );
    fc.assert(
      fc.property(secretArb, bodyArb, arb, webhookIdArb, (secret, body, { osa, age }, id) => {
        const t = NOW - age;
        const headers = osa ? osaHeaders(secret, body, t) : swHeaders(secret, id, body, t / 1000);
        const result = createSignatureVerifier([secret]).verify({ rawBody: body, headers, now: NOW });
        if (age > MAX_AGE_MS) expect(result).toMatchObject({ ok: false, reason: 'stale_timestamp' });
        else if (-age > MAX_FUTURE_MS) expect(result).toMatchObject({ ok: false, reason: 'future_timestamp' });
        else expect(result.ok).toBe(true);
      }),
      runs(1500),
    );
  });
});

describe('verify() refuses any one-place change to a valid delivery', () => {
  it('OSA: one hex digit of the MAC, one bit of the body, or the timestamp', () => {
    fc.assert(
      fc.property(
        secretsArb,
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 100_000 }),
        fc.constantFrom('mac', 'body', 'timestamp'),
        (secrets, body, where, pick, delta, what) => {
          const secret = secrets[0]!;
          const t = NOW - 1000;
          const header = signOsa({ secret, rawBody: body, timestampMs: t });
          const mac = header.split('v1=')[1]!;
          let headers: WebhookHeaders = { 'x-osa-signature': header };
          let rawBody = body;
          if (what === 'mac') {
            headers = { 'x-osa-signature': `t=${t},v1=${flipChar(mac, where % mac.length, HEX, pick)}` };
          } else if (what === 'body') {
            rawBody = Buffer.from(body);
            rawBody[where % rawBody.length]! ^= 1 << (pick % 8);
          } else {
            headers = { 'x-osa-signature': `t=${t - delta},v1=${mac}` };
          }
          const result = createSignatureVerifier(secrets).verify({ rawBody, headers, now: NOW });
          expect(result).toMatchObject({ ok: false, reason: 'invalid_signature', scheme: 'osa' });
        },
      ),
      runs(2000),
    );
  });

  it('Standard Webhooks: one character of the signature, one bit of the body, the id or the timestamp', () => {
    fc.assert(
      fc.property(
        secretsArb,
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
        webhookIdArb,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom('signature', 'body', 'id', 'timestamp'),
        (secrets, body, id, where, pick, delta, what) => {
          const secret = secrets[0]!;
          const seconds = NOW / 1000 - 1;
          const signed = swHeaders(secret, id, body, seconds);
          const sig = String(signed['webhook-signature']).slice('v1,'.length);
          let headers: WebhookHeaders = signed;
          let rawBody = body;
          if (what === 'signature') {
            // Any of the 44 characters, the '=' pad included.
            headers = { ...signed, 'webhook-signature': `v1,${flipChar(sig, where % sig.length, `${BASE64}=`, pick)}` };
          } else if (what === 'body') {
            rawBody = Buffer.from(body);
            rawBody[where % rawBody.length]! ^= 1 << (pick % 8);
          } else if (what === 'id') {
            headers = { ...signed, 'webhook-id': flipChar(id, where % id.length, 'abcdefghijklmnopqrstuvwxyz0123456789_', pick) };
          } else {
            headers = { ...signed, 'webhook-timestamp': String(seconds - delta) };
          }
          const result = createSignatureVerifier(secrets).verify({ rawBody, headers, now: NOW });
          expect(result.ok).toBe(false);
          // A flipped character may make the header unparsable: that is a refusal too, never a throw.
          expect(result).toMatchObject({ scheme: 'standard_webhooks' });
          if (!result.ok) expect(['invalid_signature', 'malformed_signature']).toContain(result.reason);
          if (what !== 'signature' && !result.ok) expect(result.reason).toBe('invalid_signature');
        },
      ),
      runs(2000),
    );
  });

  it('a valid signature is bound to its scheme: an OSA MAC in Standard Webhooks headers (and back) is refused', () => {
    fc.assert(
      fc.property(secretArb, bodyArb, webhookIdArb, (secret, body, id) => {
        const seconds = NOW / 1000;
        const osaMac = Buffer.from(signOsa({ secret, rawBody: body, timestampMs: NOW }).split('v1=')[1]!, 'hex');
        const verifier = createSignatureVerifier([secret]);
        const asSw = verifier.verify({
          rawBody: body,
          headers: { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': `v1,${osaMac.toString('base64')}` },
          now: NOW,
        });
        expect(asSw.ok).toBe(false);
        const swMac = Buffer.from(String(swHeaders(secret, id, body, seconds)['webhook-signature']).slice(3), 'base64');
        const asOsa = verifier.verify({ rawBody: body, headers: { 'x-osa-signature': `t=${NOW},v1=${swMac.toString('hex')}` }, now: NOW });
        expect(asOsa.ok).toBe(false);
      }),
      runs(500),
    );
  });
});
