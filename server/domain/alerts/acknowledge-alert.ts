import { and, eq, isNull } from 'drizzle-orm';
import { type AcknowledgeAlertInput, acknowledgeAlertInputSchema } from '../../contracts/alert-lifecycle';
import type { AlertView } from '../../contracts/alerts';
import { ACCESS } from '../../contracts/roles';
import { alerts } from '../../db/schema';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { DomainError, notFound } from '../errors';
import { parseInput } from '../shared/parse-input';
import { recordAlertEvent } from './alert-history';
import { alertViews, loadAlertRow } from './alert-view';

/**
 * "I have this": a firing alert is acknowledged by the caller, with an
 * optional note. Acknowledging again as the same caller answers the same
 * state and records nothing (a double click, a retried request); another
 * caller's acknowledgement, or a resolved alert, is a conflict.
 */
export const acknowledgeAlert = defineVerb({
  action: 'alerts.acknowledge',
  access: ACCESS.operate,
  run: async function acknowledgeAlert({ ctx, input }: { ctx: ActorCtx; input: AcknowledgeAlertInput }): Promise<{ alert: AlertView }> {
    const { alert_id: id, note } = parseInput(acknowledgeAlertInputSchema, input, 'The acknowledgement');
    const now = new Date(ctx.now());
    const who = ctx.actor.name;
    const acknowledged = await ctx.db.transaction(async (tx) => {
      const rows = await tx
        .update(alerts)
        .set({ acknowledgedAt: now, acknowledgedBy: who, acknowledgeNote: note || null })
        .where(and(eq(alerts.id, id), eq(alerts.status, 'firing'), isNull(alerts.acknowledgedAt)))
        .returning({ id: alerts.id, rule: alerts.rule });
      const row = rows[0];
      if (row) await recordAlertEvent(tx, { kind: 'acknowledged', rule: row.rule, alertId: row.id, actor: who, note: note || null, at: now, notify: true });
      return row;
    });
    const current = await loadAlertRow(ctx.db, id);
    if (!current) throw notFound(`No alert ${id}.`);
    if (!acknowledged) {
      if (current.status !== 'firing') throw new DomainError('Conflict', 'Alert Resolved', `Alert ${id} is resolved; only a firing alert can be acknowledged.`);
      if (current.acknowledgedBy !== who) {
        throw new DomainError('Conflict', 'Already Acknowledged', `Alert ${id} was acknowledged by ${current.acknowledgedBy} at ${current.acknowledgedAt?.toISOString()}.`);
      }
    } else {
      ctx.audit.record({
        actor: who,
        action: 'alert.acknowledge',
        outcome: 'success',
        target: `${current.rule}:${id}`,
        details: { rule: current.rule, note: note || null },
        sourceIp: ctx.sourceIp,
        correlationId: ctx.correlationId,
      });
    }
    const [view] = await alertViews(ctx.db, [current], now);
    return { alert: view! };
  },
});
