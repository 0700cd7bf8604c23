import { eq } from 'drizzle-orm';
import { type LiftSilenceInput, liftSilenceInputSchema } from '../../contracts/alert-lifecycle';
import type { SilenceView } from '../../contracts/alerts';
import { ACCESS } from '../../contracts/roles';
import { alertSilences } from '../../db/schema';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { DomainError, notFound } from '../errors';
import { parseInput } from '../shared/parse-input';
import { OUTAGE_RULE } from './outage-store';
import { endExpiredSilences, endSilence, silenceColumns, silenceView } from './silence-store';

/** Ends a silence before its time: the rule notifies again, and what still fires is announced again. */
export const liftSilence = defineVerb({
  action: 'alerts.liftSilence',
  access: ACCESS.operate,
  run: async function liftSilence({ ctx, input }: { ctx: ActorCtx; input: LiftSilenceInput }): Promise<{ silence: SilenceView }> {
    const { silence_id: id } = parseInput(liftSilenceInputSchema, input, 'The silence');
    const now = new Date(ctx.now());
    const load = async () => (await ctx.db.select(silenceColumns).from(alertSilences).where(eq(alertSilences.id, id)))[0];
    const found = await load();
    if (!found) throw notFound(`No silence ${id}.`);
    // Past its end: it expired (recorded as such), there is nothing left to lift.
    if (found.endedAt === null && found.endsAt.getTime() <= now.getTime()) await endExpiredSilences(ctx.db, now);
    const lifted = found.endsAt.getTime() > now.getTime() && (await endSilence(ctx.db, found, { kind: 'silence_lifted', actor: ctx.actor.name, at: now }));
    const current = (await load())!;
    if (!lifted) {
      const how = current.liftedBy ? `lifted by ${current.liftedBy}` : 'expired';
      throw new DomainError('Conflict', 'Silence Ended', `Silence ${id} already ended (${how} at ${(current.endedAt ?? current.endsAt).toISOString()}).`);
    }
    if (current.rule === OUTAGE_RULE) ctx.dbHealth.learnSilence(null);
    ctx.audit.record({
      actor: ctx.actor.name,
      action: 'alert.silence_lift',
      outcome: 'success',
      target: current.rule,
      details: { rule: current.rule, silence_id: id, reason: current.reason, silenced_until: current.endsAt.toISOString() },
      sourceIp: ctx.sourceIp,
      correlationId: ctx.correlationId,
    });
    return { silence: silenceView(current) };
  },
});
