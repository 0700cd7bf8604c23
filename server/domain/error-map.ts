import type { DomainErrorKind } from './errors';

/** The one table from domain errors to HTTP statuses and tRPC codes (DESIGN.md "Status codes"). */
export const ERROR_MAP: Record<DomainErrorKind, { status: number; trpc: string }> = {
  Validation: { status: 400, trpc: 'BAD_REQUEST' },
  Unauthorized: { status: 401, trpc: 'UNAUTHORIZED' },
  Forbidden: { status: 403, trpc: 'FORBIDDEN' },
  NotFound: { status: 404, trpc: 'NOT_FOUND' },
  Conflict: { status: 409, trpc: 'CONFLICT' },
  PayloadTooLarge: { status: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  UnsupportedMediaType: { status: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  Unprocessable: { status: 422, trpc: 'UNPROCESSABLE_CONTENT' },
  RateLimited: { status: 429, trpc: 'TOO_MANY_REQUESTS' },
  Upstream: { status: 502, trpc: 'BAD_GATEWAY' },
  Unavailable: { status: 503, trpc: 'SERVICE_UNAVAILABLE' },
};
