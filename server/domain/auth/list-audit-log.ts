import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { listAuditLogInputSchema } from '../../contracts/auth';
import { auditLog } from '../../db/schema';
import type { Ctx } from '../context';
import { decodeCursor, keysetPage } from '../shared/cursor';
import { parseInput } from '../shared/parse-input';

/** The audit log for Settings, newest first. */
export const listAuditLog = defineVerb({
  action: 'audit.list',
  access: ACCESS.admin,
  run: async function listAuditLog({ ctx, input }: { ctx: Ctx; input: z.input<typeof listAuditLogInputSchema> }) {
    const q = parseInput(listAuditLogInputSchema, input);
    const where: SQL[] = [];
    if (q.action) where.push(eq(auditLog.action, q.action));
    if (q.cursor) {
      const c = decodeCursor(q.cursor, 'cursor', { uuid: true });
      where.push(or(lt(auditLog.at, c.at), and(eq(auditLog.at, c.at), lt(auditLog.id, c.id)))!);
    }
    const rows = await ctx.db
      .select({
        id: auditLog.id,
        at: auditLog.at,
        actor: auditLog.actor,
        action: auditLog.action,
        target: auditLog.target,
        outcome: auditLog.outcome,
        details: auditLog.details,
        sourceIp: auditLog.sourceIp,
      })
      .from(auditLog)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(q.limit + 1);
    const { page, nextCursor } = keysetPage(rows, q.limit, (r) => [r.at, r.id]);
    return {
      entries: page.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: r.actor,
        action: r.action,
        target: r.target,
        outcome: r.outcome,
        details: r.details,
        source_ip: r.sourceIp,
      })),
      next_cursor: nextCursor,
    };
  },
});
