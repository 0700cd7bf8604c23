import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { asc, count, desc, eq, sql } from 'drizzle-orm';
import { type AlertView, type ListAlertsInput, type ListAlertsOutput, listAlertsInputSchema } from '../../contracts/alerts';
import { alerts } from '../../db/schema';
import type { Ctx } from '../context';
import { parseInput } from '../shared/parse-input';
import { alertColumns, asObject } from './alert-store';

/** The console's alert list: firing alerts first, then the most recent history. */
export const listAlerts = defineVerb({
  action: 'alerts.list',
  access: ACCESS.read,
  run: async function listAlerts({ ctx, input }: { ctx: Ctx; input: ListAlertsInput }): Promise<ListAlertsOutput> {
    const { status, limit } = parseInput(listAlertsInputSchema, input, 'The alert query');
    const [rows, [firing]] = await Promise.all([
      ctx.db
        .select(alertColumns)
        .from(alerts)
        .where(status === 'all' ? undefined : eq(alerts.status, status))
        .orderBy(sql`(${alerts.status} = 'firing') desc`, desc(alerts.firedAt), asc(alerts.id))
        .limit(limit),
      ctx.db.select({ n: count() }).from(alerts).where(eq(alerts.status, 'firing')),
    ]);
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      status,
      limit,
      firing_count: Number(firing?.n ?? 0),
      alerts: rows.map(
        (r): AlertView => ({
          id: r.id,
          rule: r.rule,
          severity: r.severity,
          status: r.status === 'firing' ? 'firing' : 'resolved',
          message: r.message,
          value: r.value,
          threshold: r.threshold,
          details: r.details === null ? null : asObject(r.details),
          fired_at: r.firedAt.toISOString(),
          resolved_at: iso(r.resolvedAt),
          last_evaluated_at: r.lastEvaluatedAt.toISOString(),
          firing_notified_at: iso(r.firingNotifiedAt),
          resolved_notified_at: iso(r.resolvedNotifiedAt),
        }),
      ),
    };
  },
});
