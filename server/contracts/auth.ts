import { z } from 'zod';
import { nodeEnvSchema } from './health';
import { ROLES } from './roles';
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

// ---- answers ----

const instant = z.iso.datetime();

export const CALLER_VIAS = ['api_key', 'session', 'open'] as const;
export type CallerVia = (typeof CALLER_VIAS)[number];

/** `GET /api/auth/session` and `session`: who is looking, and whether the console is open. */
export const sessionViewSchema = z.strictObject({
  authenticated: z.boolean().describe('A caller is known: a session, an API key, or the open development console'),
  console_open: z.boolean().describe('ADMIN_PASSWORD is not set: nobody has to sign in'),
  open_reason: z.string().nullable().describe('The banner text while the console is open'),
  user: z
    .strictObject({
      name: z.string().describe('The e-mail of a session user, an API key name, or "anonymous"'),
      role: z.enum(ROLES),
      via: z.enum(CALLER_VIAS).describe('open: development with nothing configured'),
    })
    .nullable(),
  environment: nodeEnvSchema,
});
export type SessionView = z.infer<typeof sessionViewSchema>;

/** `POST /api/auth/login`, without `success`; the session token travels only in its HttpOnly cookie. */
export const loginAnswerSchema = z.strictObject({
  user: z.strictObject({ email: z.email(), role: z.enum(CONSOLE_ROLES) }),
  expires_at: instant.describe('When the session ends'),
});
export type LoginAnswer = z.infer<typeof loginAnswerSchema>;

/** A console user as `users.list`, `users.create` and `users.update` return it: never the password hash. */
export const userViewSchema = z.strictObject({
  user_id: z.uuid(),
  email: z.email(),
  role: z.enum(CONSOLE_ROLES),
  disabled: z.boolean().describe('A disabled user cannot sign in; their sessions ended when it was set'),
  created_at: instant,
  created_by: z.string().describe('The admin who created it; "ADMIN_EMAIL" for the first admin, made from configuration'),
});
export type UserView = z.infer<typeof userViewSchema>;

/** `audit.list`: newest first. */
export const auditLogPageSchema = z.strictObject({
  entries: z.array(
    z.strictObject({
      id: z.uuid(),
      at: instant,
      actor: z.string().describe('API key name, user e-mail, "unknown", or "many" for a row that counts entries over the per-minute cap'),
      action: z.string().describe('e.g. login, auth.failed, auth.forbidden, user.create, workflow.rerun'),
      target: z.string().nullable(),
      outcome: z.enum(['success', 'failure']),
      details: z.record(z.string(), z.unknown()).nullable(),
      source_ip: z.string().nullable(),
    }),
  ),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});
export type AuditLogPage = z.infer<typeof auditLogPageSchema>;
