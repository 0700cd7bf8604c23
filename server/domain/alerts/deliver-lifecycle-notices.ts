import { and, asc, eq, gte } from 'drizzle-orm';
import type { AlertEventKind } from '../../contracts/alerts';
import { alertEvents, alerts } from '../../db/schema';
import type { AlertNotificationDeps } from './alert-notification-deps';
import { alertColumns, asObject } from './alert-store';
import { postJsonWithRetries, type RetryPolicy } from './post-json-with-retries';
import type { SilenceRow } from './silence-store';
import { lifecycleNoticeBody, type LifecycleNotice } from './slack-message';

const BATCH = 50;

/**
 * Posts the lifecycle notices due (acknowledged, silenced, silence ended)
 * about incidents the receiver heard of, with the incident's key: claimed
 * by a conditional UPDATE of `notify_state` (due → sending → sent), so once
 * per cluster, and released on failure for the next run. A notice waits
 * while its alert's firing has not been announced; it is dropped
 * (`suppressed`) when a silence swallowed that firing, when an
 * acknowledgement comes during a silence, or when the incident's recovery
 * was already announced (a late notice would reopen it in an incident tool).
 */
export async function deliverLifecycleNotices(
  ctx: AlertNotificationDeps,
  url: string,
  input: { now: Date; cutoff: Date; policy: RetryPolicy; silences: Map<string, SilenceRow> },
): Promise<{ sent: number; failed: number }> {
  const due = await ctx.db
    .select({ event: { id: alertEvents.id, kind: alertEvents.kind, actor: alertEvents.actor, note: alertEvents.note, at: alertEvents.at, details: alertEvents.details }, alert: alertColumns })
    .from(alertEvents)
    .innerJoin(alerts, eq(alerts.id, alertEvents.alertId))
    .where(and(eq(alertEvents.notifyState, 'due'), gte(alertEvents.at, input.cutoff)))
    .orderBy(asc(alertEvents.seq))
    .limit(BATCH);
  const result = { sent: 0, failed: 0 };
  const mark = (id: string, from: string, to: string, at: Date | null) =>
    ctx.db
      .update(alertEvents)
      .set({ notifyState: to, notifiedAt: at })
      .where(and(eq(alertEvents.id, id), eq(alertEvents.notifyState, from)))
      .returning({ id: alertEvents.id });
  // One at a time, in the order they happened: "silenced" must not overtake "acknowledged".
  for (const { event, alert } of due) {
    if (alert.firingNotifiedAt === null) continue;
    const kind = event.kind as AlertEventKind;
    const drop =
      alert.firingSuppressedBy !== null || alert.resolvedNotifiedAt !== null || (kind === 'acknowledged' && input.silences.has(alert.rule));
    if (drop) {
      await mark(event.id, 'due', 'suppressed', input.now);
      continue;
    }
    if ((await mark(event.id, 'due', 'sending', input.now)).length === 0) continue;
    const notice: LifecycleNotice = {
      kind: kind === 'acknowledged' || kind === 'silenced' ? kind : 'silence_ended',
      actor: event.actor,
      note: event.note,
      at: event.at,
      silencedUntil: typeof asObject(event.details).silenced_until === 'string' ? (asObject(event.details).silenced_until as string) : null,
      expired: kind === 'silence_expired',
    };
    const outcome = await postJsonWithRetries(url, lifecycleNoticeBody(url, { ...alert, details: asObject(alert.details) }, notice, ctx.config.baseUrl), input.policy);
    const fields = { alert: alert.rule, alert_id: alert.id, kind: notice.kind, attempts: outcome.attempts };
    if (outcome.ok) {
      ctx.logger.info(fields, 'alert notification sent');
      await mark(event.id, 'sending', 'sent', input.now);
      result.sent++;
    } else {
      ctx.logger.warn({ ...fields, status: outcome.status, reason: outcome.error }, 'alert notification failed; it will be tried again on the next evaluation');
      await mark(event.id, 'sending', 'due', null).catch((e: unknown) => ctx.logger.warn({ err: e, alert_id: alert.id }, 'could not release an alert notice claim'));
      result.failed++;
    }
  }
  return result;
}
