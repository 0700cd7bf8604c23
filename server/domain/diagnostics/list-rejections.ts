import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { and, desc, eq, gte, lt, lte, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { listRejectionsInputSchema } from '../../contracts/diagnostics';
import { webhookRejections } from '../../db/schema';
import type { Ctx } from '../context';
import { decodeCursor, keysetPage } from '../shared/cursor';
import { parseInput } from '../shared/parse-input';

/**
 * Refused deliveries for the console's own tab: reason, source, size and body
 * hash. There is no body to show: an unverified body is never stored.
 */
export const listRejections = defineVerb({
  action: 'diagnostics.rejections',
  access: ACCESS.read,
  run: async function listRejections({ ctx, input }: { ctx: Ctx; input: z.input<typeof listRejectionsInputSchema> }) {
    const q = parseInput(listRejectionsInputSchema, input);
    const where: SQL[] = [];
    if (q.reason) where.push(eq(webhookRejections.reason, q.reason));
    if (q.start_date) where.push(gte(webhookRejections.receivedAt, new Date(q.start_date)));
    if (q.end_date) where.push(lte(webhookRejections.receivedAt, new Date(q.end_date)));
    if (q.cursor) {
      const c = decodeCursor(q.cursor, 'cursor', { uuid: true });
      where.push(or(lt(webhookRejections.receivedAt, c.at), and(eq(webhookRejections.receivedAt, c.at), lt(webhookRejections.id, c.id)))!);
    }
    const rows = await ctx.db
      .select({
        id: webhookRejections.id,
        receivedAt: webhookRejections.receivedAt,
        reason: webhookRejections.reason,
        detail: webhookRejections.detail,
        sourceIp: webhookRejections.sourceIp,
        bodySize: webhookRejections.bodySize,
        bodySha256: webhookRejections.bodySha256,
        signatureScheme: webhookRejections.signatureScheme,
        correlationId: webhookRejections.correlationId,
        occurrences: webhookRejections.occurrences,
      })
      .from(webhookRejections)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(webhookRejections.receivedAt), desc(webhookRejections.id))
      .limit(q.limit + 1);
    const { page, nextCursor } = keysetPage(rows, q.limit, (r) => [r.receivedAt, r.id]);
    return {
      rejections: page.map((r) => ({
        id: r.id,
        received_at: r.receivedAt.toISOString(),
        reason: r.reason,
        detail: r.detail,
        source_ip: r.sourceIp,
        body_size: r.bodySize,
        body_sha256: r.bodySha256,
        signature_scheme: r.signatureScheme,
        correlation_id: r.correlationId,
        occurrences: r.occurrences,
      })),
      next_cursor: nextCursor,
    };
  },
});
