import { z } from 'zod';

/** One refused input field, as a 400 names it. */
export const fieldErrorSchema = z.strictObject({
  path: z.string().describe('The field, dot-separated (e.g. client_context.client_name); "(body)" for the body as a whole'),
  message: z.string().describe('What is wrong with it'),
});
export type FieldErrorBody = z.infer<typeof fieldErrorSchema>;

/** Every JSON error answer of every REST route (DESIGN.md "Status codes"). */
export const errorBodySchema = z.strictObject({
  success: z.literal(false),
  error: z.string().describe('A short title, e.g. "Validation Error", "Not Found", "Duplicate Event"'),
  message: z.string().describe('What went wrong and what to do; a 500 never carries the cause'),
  correlation_id: z.string().describe('Also the X-Correlation-Id header: finds this request in the server log'),
  details: z
    .looseObject({ field_errors: z.array(fieldErrorSchema).optional().describe('400: each refused field') })
    .optional()
    .describe('Facts about this error, e.g. field_errors, event_id of a duplicate, sync_id of a failed sync'),
  event_id: z.uuid().optional().describe("409 for a duplicate: the original event's id (also in details)"),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
