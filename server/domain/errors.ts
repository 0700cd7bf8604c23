/**
 * Typed domain errors. Domain code throws these; they carry no transport
 * code: each transport maps the kinds in one table of its own
 * (server/http/http-status.ts, server/trpc/trpc-codes.ts).
 * Anything else that escapes is an unexpected fault: its text never leaves
 * the server.
 */
export type DomainErrorKind =
  | 'Validation'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'Conflict'
  | 'Unprocessable'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'RateLimited'
  | 'Upstream'
  | 'Unavailable';

export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  /** Short title shown as `error` in the JSON body ("Invalid signature"). */
  readonly title: string;
  readonly details: Record<string, unknown> | undefined;
  /** Seconds, for 429 and 503 answers. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    kind: DomainErrorKind,
    title: string,
    message: string,
    opts: { details?: Record<string, unknown>; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = `${kind}Error`;
    this.kind = kind;
    this.title = title;
    this.details = opts.details;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export const validationError = (message: string, fieldErrors: FieldError[] = []) =>
  new DomainError('Validation', 'Validation Error', message, {
    details: fieldErrors.length ? { field_errors: fieldErrors } : undefined,
  });

export const unauthorized = (title: string, message: string) =>
  new DomainError('Unauthorized', title, message);

export const forbidden = (message: string) => new DomainError('Forbidden', 'Forbidden', message);

export const notFound = (message: string) => new DomainError('NotFound', 'Not Found', message);

export const unavailable = (message: string, retryAfterSeconds = 5, cause?: unknown) =>
  new DomainError('Unavailable', 'Service Unavailable', message, { retryAfterSeconds, cause });

/** Kinds that say the system (or Opal) failed, not the request: a retry may succeed, so nothing about them is remembered. */
export const isServerFault = (kind: DomainErrorKind): boolean => kind === 'Upstream' || kind === 'Unavailable';

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
