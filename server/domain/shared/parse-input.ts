import type { z } from 'zod';
import { type FieldError, validationError } from '../errors';
import { findJsonbHazard } from '../webhooks/jsonb-hazards';

/** Zod issues as field errors; an unknown key is named by its own path. */
export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ path: [...base, k].join('.'), message: 'is not a known field' }));
    }
    return [{ path: base.join('.') || '(body)', message: issue.message }];
  });
}

/**
 * Text PostgreSQL cannot hold (NUL, a lone surrogate) or nesting deeper than
 * the jsonb limit, anywhere in an input: a 400 naming where, before any
 * contract lets it reach a query or an insert (where it would be a 500).
 */
export function refuseUnstorable(data: unknown, what = 'The request'): void {
  const hazard = findJsonbHazard(data);
  if (hazard) {
    const path = hazard.split(':')[0]!;
    throw validationError(`${what} cannot be stored: ${hazard}.`, [{ path, message: hazard }]);
  }
}

/** Parses input against a contract, or throws a Validation error naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, what = 'The request'): z.output<S> {
  refuseUnstorable(data, what);
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw validationError(`${what} is not valid.`, fieldErrorsOf(parsed.error));
  return parsed.data;
}
