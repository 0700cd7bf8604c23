import type { z } from 'zod';
import { type FieldError, validationError } from '../errors';

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

/** Parses input against a contract, or throws a Validation error naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, what = 'The request'): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw validationError(`${what} is not valid.`, fieldErrorsOf(parsed.error));
  return parsed.data;
}
