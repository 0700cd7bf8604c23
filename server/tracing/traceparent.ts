import { randomBytes, randomUUID } from 'node:crypto';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the
 * `traceparent` and `tracestate` request headers.
 */
export interface TraceParent {
  /** 32 lowercase hex digits, not all zeros. */
  traceId: string;
  /** The caller's span: 16 lowercase hex digits, not all zeros. */
  parentId: string;
  /** Two hex digits; bit 0 is "sampled". */
  flags: string;
}

// Version 00 is exactly 55 characters. A later version may append fields
// after a dash, which a version-00 reader ignores (the spec's rule for
// forward compatibility); version ff is invalid. Anything longer than this
// is refused before a regular expression looks at it.
const MAX_TRACEPARENT = 512;
const V00 = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The header's trace, or undefined when it is absent or malformed (the caller then starts a new trace). */
export function parseTraceparent(header: string | string[] | undefined): TraceParent | undefined {
  // Two traceparent headers are no single parent: ignored, as the spec says.
  if (typeof header !== 'string' || header.length > MAX_TRACEPARENT) return undefined;
  const m = V00.exec(header.trim());
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff') return undefined;
  // Version 00 has nothing after the flags; a later one may.
  if (version === '00' && rest !== undefined) return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId, parentId, flags };
}

// The spec asks vendors to pass on at least 512 characters; what is longer,
// or holds anything but printable ASCII, is dropped rather than cut (a cut
// list member would be corrupt).
const MAX_TRACESTATE = 512;
const TRACESTATE = /^[\x20-\x7e]*$/;

/** The `tracestate` to pass on with a valid traceparent, or undefined. Opaque to us: passed on, never logged. */
export function acceptTracestate(header: string | string[] | undefined): string | undefined {
  // Several tracestate headers are one list (RFC 9110 field combination).
  const joined = Array.isArray(header) ? header.join(',') : header;
  if (joined === undefined) return undefined;
  const value = joined.trim();
  if (value === '' || value.length > MAX_TRACESTATE || !TRACESTATE.test(value)) return undefined;
  return value;
}

// A v4 UUID's 122 random bits, from Node's cached entropy pool: a trace id per request costs next to nothing.
export const newTraceId = (): string => randomUUID().replaceAll('-', '');
export const newSpanId = (): string => randomBytes(8).toString('hex');

/** Always version 00, which is all this server writes. */
export const formatTraceparent = (t: TraceParent): string => `00-${t.traceId}-${t.parentId}-${t.flags}`;
