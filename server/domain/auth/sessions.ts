import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { LoginInput } from '../../contracts/auth';
import { sessions, users } from '../../db/schema';
import type { Ctx } from '../context';
import { unauthorized } from '../errors';
import { notifyChange } from '../live/change-notice';
import type { Caller, Role } from './caller';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password-hash';

export const SESSION_TTL_MS = 12 * 3600_000;
const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** Console login: a session token for the cookie, or 401. Every attempt goes to the audit log. */
export async function login({ ctx, input }: { ctx: Ctx; input: LoginInput & { sourceIp: string | undefined; correlationId: string } }) {
  const [user] = await ctx.db
    .select({ id: users.id, email: users.email, role: users.role, passwordHash: users.passwordHash, disabled: users.disabled })
    .from(users)
    .where(eq(sql`lower(${users.email})`, input.email.toLowerCase()));
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  const audit = (outcome: 'success' | 'failure', reason?: string) =>
    ctx.audit.record({
      actor: input.email.toLowerCase(),
      action: outcome === 'success' ? 'login' : 'auth.failed',
      outcome,
      target: 'console',
      details: reason ? { reason } : undefined,
      sourceIp: input.sourceIp,
      correlationId: input.correlationId,
    });
  if (!user || !ok || user.disabled) {
    audit('failure', !user ? 'unknown user' : user.disabled ? 'user disabled' : 'wrong password');
    throw unauthorized('Authentication failed', 'The e-mail or password is not correct.');
  }
  const token = randomBytes(32).toString('base64url');
  const now = new Date(ctx.now());
  await ctx.db.insert(sessions).values({
    tokenHash: tokenHashOf(token),
    userId: user.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
    lastSeenAt: now,
  });
  audit('success');
  return { token, expiresAt: new Date(now.getTime() + SESSION_TTL_MS), user: { email: user.email, role: user.role as Role } };
}

/** The caller a session cookie stands for, or null (expired, unknown, disabled user). */
export async function sessionCaller(ctx: Ctx, token: string): Promise<Caller | null> {
  const [row] = await ctx.db
    .select({ email: users.email, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHashOf(token)), gt(sessions.expiresAt, new Date(ctx.now())), eq(users.disabled, false)));
  return row ? { name: row.email, role: row.role as Role, via: 'session' } : null;
}

export async function logout({ ctx, input }: { ctx: Ctx; input: { token: string } }) {
  await ctx.db.delete(sessions).where(eq(sessions.tokenHash, tokenHashOf(input.token)));
  // Every process's live streams re-check their session now, so this one's ends at once, not at the next periodic check.
  await notifyChange(ctx.db, 'session');
}

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no user has that e-mail yet. */
export async function ensureFirstAdmin(ctx: Ctx): Promise<void> {
  const { email, password } = ctx.config.admin;
  if (!email || !password) return;
  const [existing] = await ctx.db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  if (existing) return;
  await ctx.db
    .insert(users)
    .values({ id: randomUUID(), email, passwordHash: await hashPassword(password), role: 'admin', createdAt: new Date(ctx.now()), createdBy: 'ADMIN_EMAIL' })
    .onConflictDoNothing();
}

export async function deleteExpiredSessions(ctx: Ctx): Promise<number> {
  const gone = await ctx.db.delete(sessions).where(lt(sessions.expiresAt, new Date(ctx.now()))).returning({ t: sessions.tokenHash });
  return gone.length;
}
