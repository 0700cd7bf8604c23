/**
 * The seam between the Opal client and whatever answers like Opal: real Opal
 * over HTTP (`fetchTransport`) or the in-process simulator. The client's
 * retry and circuit logic only sees this interface, so it behaves the same
 * for both.
 */
export interface OpalHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Aborted when the attempt's time-out passes; a transport should stop then. */
  signal: AbortSignal;
}

export interface OpalHttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  bodyText: string;
}

export type OpalTransport = (req: OpalHttpRequest) => Promise<OpalHttpResponse>;

/**
 * The connection failed BEFORE the request was sent (refused, DNS, connect
 * time-out, TLS handshake): Opal cannot have started anything, so a retry is
 * safe. Any other error a transport throws means "the request may have been
 * sent".
 */
export class OpalConnectError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpalConnectError';
    this.code = code;
  }
}

/** Error codes raised while connecting, before any request byte is written. */
const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  // TLS handshake failures: nothing was sent either.
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** The first `code` found on an error, its `cause` chain, or an AggregateError's members. */
export function errorCode(e: unknown, depth = 0): string | undefined {
  if (depth > 5 || e === null || typeof e !== 'object') return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (e instanceof AggregateError) {
    for (const inner of e.errors) {
      const c = errorCode(inner, depth + 1);
      if (c) return c;
    }
  }
  return errorCode((e as { cause?: unknown }).cause, depth + 1);
}

/** True when the error certainly happened before the request was sent. */
export const isConnectPhaseError = (e: unknown): boolean => {
  const code = errorCode(e);
  return code !== undefined && CONNECT_PHASE_CODES.has(code);
};

/**
 * Node's fetch (undici). Connect-phase failures become `OpalConnectError`;
 * an abort by the signal and everything else (ECONNRESET, "other side
 * closed": the request may have been sent) are rethrown as they are.
 * Redirects are not followed (a POST must not silently become a GET).
 */
export function fetchTransport(): OpalTransport {
  return async (req) => {
    let res: Response;
    try {
      res = await fetch(req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        redirect: 'manual',
      });
    } catch (e) {
      if (req.signal.aborted) throw e;
      if (isConnectPhaseError(e)) {
        const code = errorCode(e);
        throw new OpalConnectError(`The connection to Opal failed before the request was sent (${code}).`, code, { cause: e });
      }
      throw e;
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const bodyText = await res.text();
    return { status: res.status, headers, bodyText };
  };
}
