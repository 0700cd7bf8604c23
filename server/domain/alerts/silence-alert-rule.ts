import { and, eq, isNull } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { type SilenceAlertRuleInput, silenceAlertRuleInputSchema } from '../../contracts/alert-lifecycle';
import type { SilenceView } from '../../contracts/alerts';
import { ACCESS } from '../../contracts/roles';
import { alerts, alertSilences } from '../../db/schema';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { DomainError } from '../errors';
import { parseInput } from '../shared/parse-input';
import { recordAlertEvent } from './alert-history';
import { OUTAGE_RULE } from './outage-store';
import { endExpiredSilences, silenceColumns, silenceView } from './silence-store';

/**
 * Silences a rule for a while, with a reason: it keeps evaluating and
 * storing its history, but notifies nobody until the silence ends or is
 * lifted. Per rule, not per alert, so a rule that resolves and fires again
 * within the silence stays quiet. One open silence per rule: silencing a
 * silenced rule is a conflict (lift it first, then silence anew).
 */
export const silenceAlertRule = defineVerb({
  action: 'alerts.silence',
  access: ACCESS.operate,
  run: async function silenceAlertRule({ ctx, input }: { ctx: ActorCtx; input: SilenceAlertRuleInput }): Promise<{ silence: SilenceView }> {
    const { rule, duration_minutes: minutes, reason } = parseInput(silenceAlertRuleInputSchema, input, 'The silence');
    const now = new Date(ctx.now());
    const who = ctx.actor.name;
    // A silence past its end that the evaluation has not recorded yet must not block a new one.
    await endExpiredSilences(ctx.db, now);
    const endsAt = new Date(now.getTime() + minutes * 60_000);
    const created = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(alertSilences)
        .values({ id: randomUUID(), rule, reason, createdBy: who, createdAt: now, endsAt })
        .onConflictDoNothing()
        .returning(silenceColumns);
      if (!row) return undefined;
      const [firing] = await tx
        .select({ id: alerts.id, firingNotifiedAt: alerts.firingNotifiedAt, firingSuppressedBy: alerts.firingSuppressedBy })
        .from(alerts)
        .where(and(eq(alerts.rule, rule), eq(alerts.status, 'firing')));
      await recordAlertEvent(tx, {
        kind: 'silenced',
        rule,
        alertId: firing?.id ?? null,
        silenceId: row.id,
        actor: who,
        note: reason,
        at: now,
        details: { silenced_until: endsAt.toISOString(), duration_minutes: minutes },
        // A receiver that heard of the incident hears why it goes quiet; one that did not is not told of it now.
        notify: Boolean(firing?.firingNotifiedAt && !firing.firingSuppressedBy),
      });
      return row;
    });
    if (!created) {
      const [open] = await ctx.db.select(silenceColumns).from(alertSilences).where(and(eq(alertSilences.rule, rule), isNull(alertSilences.endedAt)));
      throw new DomainError('Conflict', 'Already Silenced', `${rule} is already silenced until ${open?.endsAt.toISOString() ?? 'its silence ends'} (silence ${open?.id ?? 'unknown'}); lift it first.`);
    }
    if (rule === OUTAGE_RULE) ctx.dbHealth.learnSilence(endsAt.getTime());
    ctx.audit.record({
      actor: who,
      action: 'alert.silence',
      outcome: 'success',
      target: rule,
      details: { rule, reason, silence_id: created.id, duration_minutes: minutes, silenced_until: endsAt.toISOString() },
      sourceIp: ctx.sourceIp,
      correlationId: ctx.correlationId,
    });
    return { silence: silenceView(created) };
  },
});
