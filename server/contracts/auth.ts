import { z } from 'zod';
import { AUDIT_LOG_LIMIT, PASSWORD_MIN_CHARS } from './limits';

export const CONSOLE_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export const loginInputSchema = z.strictObject({
  email: z.email('must be an e-mail address').max(320),
  password: z.string().min(1, 'is required').max(1024),
});
export type LoginInput = z.infer<typeof loginInputSchema>;

export const createUserInputSchema = z.strictObject({
  email: z.email('must be an e-mail address').max(320),
  password: z.string().min(PASSWORD_MIN_CHARS, `must be at least ${PASSWORD_MIN_CHARS} characters`).max(1024),
  role: z.enum(CONSOLE_ROLES),
});
export type CreateUserInput = z.infer<typeof createUserInputSchema>;

export const updateUserInputSchema = z.strictObject({
  userId: z.uuid(),
  role: z.enum(CONSOLE_ROLES).optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserInputSchema>;

/** Settings → audit log. */
export const listAuditLogInputSchema = z.strictObject({
  action: z.string().trim().max(100).optional(),
  limit: z.int().min(1).max(AUDIT_LOG_LIMIT.max).default(AUDIT_LOG_LIMIT.default),
  cursor: z.string().max(500).optional(),
});
