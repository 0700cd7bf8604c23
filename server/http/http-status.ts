import type { DomainErrorKind } from '../domain/errors';

/** The HTTP side's one table from the domain's error kinds to statuses (DESIGN.md "Status codes"). */
export const HTTP_STATUS: Record<DomainErrorKind, number> = {
  Validation: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  Unprocessable: 422,
  RateLimited: 429,
  Upstream: 502,
  Unavailable: 503,
};
