/**
 * The one entry point for authenticating `POST /api/webhooks/opal-workflow`
 * (DESIGN.md "Webhook protocol"). Runs on the raw body bytes, before any
 * JSON parsing.
 *
 * Order of checks, and why:
 * 1. Scheme: `webhook-signature` present → Standard Webhooks; else
 *    `x-osa-signature` → OSA; else `missing_signature`.
 * 2. Header syntax → `malformed_signature`. This depends only on what the
 *    client sent, so it tells an attacker nothing.
 * 3. MAC against every configured secret → `invalid_signature`.
 * 4. Only then the timestamp window → `stale_timestamp` / `future_timestamp`.
 *    Checking the window after the MAC means a caller without the secret
 *    always hears `invalid_signature` and learns nothing about the window.
 *
 * Window (inclusive edges, millisecond precision against `now`):
 * accepted iff  now - 300 000 ms <= timestamp <= now + 60 000 ms.
 * Exactly 300 s old is accepted, 300.001 s is stale; exactly 60 s ahead is
 * accepted, 60.001 s is future. A Standard Webhooks timestamp (seconds) is
 * compared as seconds × 1000.
 *
 * Messages never contain a secret, an expected MAC or the header's content.
 */
import type { KeyObject } from 'node:crypto';
import { createOsaKey, matchOsaSignature, parseOsaSignatureHeader } from './osa-signature';
import {
  createStandardWebhookKey,
  isValidWebhookId,
  matchStandardWebhookSignature,
  parseStandardWebhookSignatureHeader,
  parseStandardWebhookTimestamp,
} from './standard-webhooks-signature';

export type SignatureScheme = 'osa' | 'standard_webhooks';

export type SignatureFailureReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'invalid_signature'
  | 'stale_timestamp'
  | 'future_timestamp';

export type VerifyResult =
  | { ok: true; scheme: SignatureScheme; timestamp: Date; webhookId?: string }
  | { ok: false; scheme?: SignatureScheme; reason: SignatureFailureReason; message: string };

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export interface VerifyInput {
  rawBody: Buffer;
  /** Lower-case names, as in Node's `req.headers`. */
  headers: WebhookHeaders;
  /** Epoch milliseconds. */
  now: number;
}

export interface SignatureVerifier {
  verify(input: VerifyInput): VerifyResult;
}

/** A timestamp more than this far in the past is refused. */
export const MAX_AGE_MS = 5 * 60 * 1000;
/** A timestamp more than this far in the future is refused (the reference package allows 5 minutes). */
export const MAX_FUTURE_MS = 60 * 1000;

const OSA_HEADER = 'x-osa-signature';
const SW_SIGNATURE = 'webhook-signature';
const SW_ID = 'webhook-id';
const SW_TIMESTAMP = 'webhook-timestamp';

/**
 * Builds a verifier for a secret list once: the keys of both schemes are
 * derived here, so a request only pays for its HMACs.
 *
 * Throws on a configuration error (no secret, an empty secret, a secret that
 * yields an empty Standard Webhooks key such as "whsec_"): create the verifier
 * at startup so that surfaces there, not as a 500 per request. Secrets are
 * used verbatim (no trimming); for OSA the whole text, `whsec_` included, is
 * the key.
 */
export function createSignatureVerifier(secrets: readonly string[]): SignatureVerifier {
  if (secrets.length === 0) throw new Error('at least one webhook secret is required');
  const osaKeys: KeyObject[] = [];
  const standardKeys: KeyObject[] = [];
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length === 0) throw new Error('a webhook secret must not be empty');
    osaKeys.push(createOsaKey(secret));
    standardKeys.push(createStandardWebhookKey(secret));
  }
  return {
    verify: ({ rawBody, headers, now }) => {
      if (!Number.isFinite(now)) throw new TypeError('now must be a finite epoch-milliseconds number');
      // `!== undefined`, not truthiness: an empty header is present and malformed.
      if (headers[SW_SIGNATURE] !== undefined) return verifyStandard(standardKeys, rawBody, headers, now);
      if (headers[OSA_HEADER] !== undefined) return verifyOsa(osaKeys, rawBody, headers[OSA_HEADER], now);
      return {
        ok: false,
        reason: 'missing_signature',
        message: `no ${SW_SIGNATURE} or ${OSA_HEADER} header`,
      };
    },
  };
}

function verifyOsa(keys: readonly KeyObject[], rawBody: Buffer, header: string | string[] | undefined, now: number): VerifyResult {
  const scheme = 'osa';
  if (typeof header !== 'string') return repeated(scheme, OSA_HEADER);
  const parsed = parseOsaSignatureHeader(header);
  if (parsed === null) {
    return malformed(scheme, `${OSA_HEADER} header is malformed; expected t=<unix ms>,v1=<hex>`);
  }
  if (!matchOsaSignature(keys, parsed, rawBody)) return invalid(scheme);
  return windowResult(scheme, parsed.timestampMs, now, undefined);
}

function verifyStandard(keys: readonly KeyObject[], rawBody: Buffer, headers: WebhookHeaders, now: number): VerifyResult {
  const scheme = 'standard_webhooks';
  const signatureHeader = headers[SW_SIGNATURE];
  const id = headers[SW_ID];
  const timestampHeader = headers[SW_TIMESTAMP];
  if (id === undefined || timestampHeader === undefined) {
    const missing = [id === undefined ? SW_ID : null, timestampHeader === undefined ? SW_TIMESTAMP : null]
      .filter((name) => name !== null)
      .join(' and ');
    return malformed(scheme, `${SW_SIGNATURE} requires ${SW_ID} and ${SW_TIMESTAMP}; missing ${missing}`);
  }
  if (typeof signatureHeader !== 'string') return repeated(scheme, SW_SIGNATURE);
  if (typeof id !== 'string') return repeated(scheme, SW_ID);
  if (typeof timestampHeader !== 'string') return repeated(scheme, SW_TIMESTAMP);
  if (!isValidWebhookId(id)) {
    return malformed(scheme, `${SW_ID} header is malformed; expected 1 to 256 printable ASCII characters`);
  }
  const timestampSeconds = parseStandardWebhookTimestamp(timestampHeader);
  if (timestampSeconds === null) {
    return malformed(scheme, `${SW_TIMESTAMP} header is malformed; expected unix seconds`);
  }
  const signatures = parseStandardWebhookSignatureHeader(signatureHeader);
  if (signatures === null) {
    return malformed(scheme, `${SW_SIGNATURE} header is malformed; expected v1,<base64> entries separated by spaces`);
  }
  if (!matchStandardWebhookSignature(keys, id, timestampSeconds, signatures, rawBody)) return invalid(scheme);
  return windowResult(scheme, timestampSeconds * 1000, now, id);
}

/** Called only after the MAC matched: see the order of checks above. */
function windowResult(scheme: SignatureScheme, timestampMs: number, now: number, webhookId: string | undefined): VerifyResult {
  const ageMs = now - timestampMs;
  if (ageMs > MAX_AGE_MS) {
    return {
      ok: false,
      scheme,
      reason: 'stale_timestamp',
      message: `signature timestamp is ${seconds(ageMs)} s old; the limit is ${seconds(MAX_AGE_MS)} s`,
    };
  }
  if (-ageMs > MAX_FUTURE_MS) {
    return {
      ok: false,
      scheme,
      reason: 'future_timestamp',
      message: `signature timestamp is ${seconds(-ageMs)} s in the future; the limit is ${seconds(MAX_FUTURE_MS)} s`,
    };
  }
  const timestamp = new Date(timestampMs);
  return webhookId === undefined ? { ok: true, scheme, timestamp } : { ok: true, scheme, timestamp, webhookId };
}

/** Whole seconds when exact, else up to millisecond precision ("300.001"), so an edge case never reads "300 s old; the limit is 300 s". */
function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

function malformed(scheme: SignatureScheme, message: string): VerifyResult {
  return { ok: false, scheme, reason: 'malformed_signature', message };
}

function repeated(scheme: SignatureScheme, header: string): VerifyResult {
  return malformed(scheme, `${header} header was sent more than once`);
}

function invalid(scheme: SignatureScheme): VerifyResult {
  return { ok: false, scheme, reason: 'invalid_signature', message: 'signature does not match any configured secret' };
}

/*
 * verifySignature() takes the secret list on every call; deriving keys each
 * time would cost more than the HMACs. The cache is keyed by the array's
 * identity (WeakMap, so a dropped config is collected) and keeps a copy of the
 * contents, so a caller that mutates its array in place still gets fresh keys.
 */
const verifierCache = new WeakMap<readonly string[], { secrets: readonly string[]; verifier: SignatureVerifier }>();

function cachedVerifier(secrets: readonly string[]): SignatureVerifier {
  const hit = verifierCache.get(secrets);
  if (hit !== undefined && sameSecrets(hit.secrets, secrets)) return hit.verifier;
  const verifier = createSignatureVerifier(secrets);
  verifierCache.set(secrets, { secrets: [...secrets], verifier });
  return verifier;
}

/** Config against config, not attacker input: an ordinary comparison is fine here. */
function sameSecrets(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Verifies a webhook request's signature. Prefer a verifier from
 * createSignatureVerifier() held for the process; this wrapper caches one per
 * secrets array. Throws only on a configuration error (see
 * createSignatureVerifier) or a non-finite `now`.
 */
export function verifySignature(input: {
  rawBody: Buffer;
  headers: WebhookHeaders;
  secrets: string[];
  now: number;
}): VerifyResult {
  return cachedVerifier(input.secrets).verify(input);
}
