import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import { asc, count, desc, eq, sql } from 'drizzle-orm';
import { type ListAlertsInput, type ListAlertsOutput, listAlertsInputSchema } from '../../contracts/alerts';
import { alerts } from '../../db/schema';
import type { Ctx } from '../context';
import { parseInput } from '../shared/parse-input';
import { alertColumns } from './alert-store';
import { alertViews } from './alert-view';
import { activeSilences, silenceView } from './silence-store';

/** The console's alert list: firing alerts first, then the most recent history; every open silence. */
export const listAlerts = defineVerb({
  action: 'alerts.list',
  access: ACCESS.read,
  run: async function listAlerts({ ctx, input }: { ctx: Ctx; input: ListAlertsInput }): Promise<ListAlertsOutput> {
    const { status, limit } = parseInput(listAlertsInputSchema, input, 'The alert query');
    const now = new Date(ctx.now());
    const [rows, [firing], silences] = await Promise.all([
      ctx.db
        .select(alertColumns)
        .from(alerts)
        .where(status === 'all' ? undefined : eq(alerts.status, status))
        .orderBy(sql`(${alerts.status} = 'firing') desc`, desc(alerts.firedAt), asc(alerts.id))
        .limit(limit),
      ctx.db.select({ n: count() }).from(alerts).where(eq(alerts.status, 'firing')),
      activeSilences(ctx.db, now),
    ]);
    return {
      status,
      limit,
      firing_count: Number(firing?.n ?? 0),
      alerts: await alertViews(ctx.db, rows, now, silences),
      silences: [...silences.values()].map(silenceView),
    };
  },
});
