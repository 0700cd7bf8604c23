import { type ActorCtx, defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import type { CreateUserInput, UpdateUserInput } from '../../contracts/auth';
import { sessions, users } from '../../db/schema';
import type { Ctx } from '../context';
import { DomainError, notFound, validationError } from '../errors';
import { hashPassword } from './password-hash';

const userColumns = { id: users.id, email: users.email, role: users.role, disabled: users.disabled, createdAt: users.createdAt, createdBy: users.createdBy };
const view = (u: { id: string; email: string; role: string; disabled: boolean; createdAt: Date; createdBy: string }) => ({
  user_id: u.id,
  email: u.email,
  role: u.role,
  disabled: u.disabled,
  created_at: u.createdAt.toISOString(),
  created_by: u.createdBy,
});

export const listUsers = defineVerb({
  action: 'users.list',
  access: ACCESS.admin,
  run: async function listUsers({ ctx }: { ctx: Ctx }) {
    return (await ctx.db.select(userColumns).from(users).orderBy(asc(users.email))).map(view);
  },
});

export const createUser = defineVerb({
  action: 'users.create',
  access: ACCESS.admin,
  run: async function createUser({ ctx, input }: { ctx: ActorCtx; input: CreateUserInput }) {
    const [existing] = await ctx.db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, input.email.toLowerCase()));
    if (existing) throw new DomainError('Conflict', 'User Exists', `A user with the e-mail ${input.email} already exists.`);
    const [created] = await ctx.db
      .insert(users)
      .values({ id: randomUUID(), email: input.email, passwordHash: await hashPassword(input.password), role: input.role, createdAt: new Date(ctx.now()), createdBy: ctx.actor.name })
      // Two creations of one e-mail at once both pass the check above; the unique index decides.
      .onConflictDoNothing()
      .returning(userColumns);
    if (!created) throw new DomainError('Conflict', 'User Exists', `A user with the e-mail ${input.email} already exists.`);
    ctx.audit.record({ actor: ctx.actor.name, action: 'user.create', outcome: 'success', target: input.email, details: { role: input.role } });
    return view(created);
  },
});

/** Role changes and disabling; a disabled user's sessions end at once. */
export const updateUser = defineVerb({
  action: 'users.update',
  access: ACCESS.admin,
  run: async function updateUser({ ctx, input }: { ctx: ActorCtx; input: UpdateUserInput }) {
    if (input.role === undefined && input.disabled === undefined) {
      throw validationError('Nothing to change.', [{ path: '(body)', message: 'give role, disabled, or both' }]);
    }
    const [updated] = await ctx.db
      .update(users)
      .set({ ...(input.role ? { role: input.role } : {}), ...(input.disabled !== undefined ? { disabled: input.disabled } : {}) })
      .where(eq(users.id, input.userId))
      .returning(userColumns);
    if (!updated) throw notFound(`No user ${input.userId}.`);
    if (updated.disabled) await ctx.db.delete(sessions).where(eq(sessions.userId, updated.id));
    ctx.audit.record({ actor: ctx.actor.name, action: 'user.update', outcome: 'success', target: updated.email, details: { role: input.role, disabled: input.disabled } });
    return view(updated);
  },
});
