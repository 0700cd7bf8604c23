import type { ErrorRequestHandler, Response } from 'express';
import { isDatabaseUnavailable } from '../db/db-errors';
import { DomainError, forbidden, isDomainError, notFound, unavailable, validationError } from '../domain/errors';
import { HTTP_STATUS } from './http-status';

/** Writes DESIGN.md's error shape: `{ success: false, error, message, correlation_id, details? }`. */
export function sendError(res: Response, e: DomainError): void {
  const status = HTTP_STATUS[e.kind];
  if (e.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(e.retryAfterSeconds));
  res.status(status).json({
    success: false,
    error: e.title,
    message: e.message,
    correlation_id: res.locals.correlationId,
    ...(e.details ? { details: e.details, ...topLevel(e) } : {}),
  });
}

// A duplicate's original event id is also top-level, where senders look for it.
const topLevel = (e: DomainError) =>
  e.kind === 'Conflict' && e.details && 'event_id' in e.details ? { event_id: e.details.event_id } : {};

// body-parser's error types, mapped to what a client should see.
const BODY_ERRORS: Record<string, () => DomainError> = {
  'entity.too.large': () => new DomainError('PayloadTooLarge', 'Payload Too Large', 'The body is larger than this route accepts.'),
  'entity.parse.failed': () => new DomainError('Validation', 'Validation Error', 'The body is not valid JSON.'),
  'encoding.unsupported': () =>
    new DomainError('UnsupportedMediaType', 'Unsupported Media Type', 'The body encoding is not supported.'),
  'charset.unsupported': () =>
    new DomainError('UnsupportedMediaType', 'Unsupported Media Type', 'The body charset is not supported.'),
  'request.aborted': () => new DomainError('Validation', 'Validation Error', 'The request was aborted.'),
  'request.size.invalid': () => new DomainError('Validation', 'Validation Error', 'The body length does not match Content-Length.'),
};

export function toDomainError(e: unknown): DomainError | undefined {
  if (isDomainError(e)) return e;
  const type = (e as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && BODY_ERRORS[type]) return BODY_ERRORS[type]();
  const status = (e as { status?: unknown } | null)?.status;
  // express.static under /assets (fallthrough: false) passes a missing file on as an error with status 404.
  if (status === 404) return notFound('No such file.');
  // The HTTP layer's own refusals: a path that is not valid percent-encoded UTF-8 (router, static files),
  // a body whose Content-Encoding does not decode (zlib), a static path climbing out of its folder. Never a 500.
  if (status === 400) return validationError('The request could not be decoded: its URL or body encoding is malformed.');
  if (status === 403) return forbidden('This path is not allowed.');
  if (isDatabaseUnavailable(e)) return unavailable('The database is unavailable right now. Retry later.');
  return undefined;
}

/** The central error handler: known errors by the table, anything else a generic 500. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const known = toDomainError(err);
  if (known) {
    // The request logger writes res.err with the request line: the cause stays in the log.
    if (known.kind === 'Unavailable') (res as Response & { err?: unknown }).err = err;
    sendError(res, known);
    return;
  }
  // Details stay in the log, never in the answer.
  (res as Response & { err?: unknown }).err = err;
  res.status(500).json({
    success: false,
    error: 'Internal Server Error',
    message: 'An unexpected error occurred. The correlation id identifies it in the server log.',
    correlation_id: res.locals.correlationId,
  });
};
