import type { TRPCError } from '@trpc/server';
import type { DomainErrorKind } from '../domain/errors';

/** The tRPC side's one table from the domain's error kinds to tRPC codes. */
export const TRPC_CODE: Record<DomainErrorKind, TRPCError['code']> = {
  Validation: 'BAD_REQUEST',
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  Unprocessable: 'UNPROCESSABLE_CONTENT',
  RateLimited: 'TOO_MANY_REQUESTS',
  Upstream: 'BAD_GATEWAY',
  Unavailable: 'SERVICE_UNAVAILABLE',
};
