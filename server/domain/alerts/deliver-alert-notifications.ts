import { and, asc, eq, gte, isNull, or } from 'drizzle-orm';
import { alerts } from '../../db/schema';
import type { AlertNotificationDeps } from './alert-notification-deps';
import { alertColumns, asObject } from './alert-store';
import { deliverLifecycleNotices } from './deliver-lifecycle-notices';
import { activeSilences } from './silence-store';
import { DEFAULT_NOTIFY_RETRY, postJsonWithRetries, type RetryPolicy } from './post-json-with-retries';
import { alertNotificationBody, type NotifiedAlert } from './slack-message';

/** Older transitions are not announced late (e.g. when ALERT_WEBHOOK_URL is set after the fact). */
const DEFAULT_MAX_AGE_MS = 60 * 60_000;
const BATCH = 50;

/**
 * What delivering notifications uses: a whole Ctx has it, and so does
 * DatabaseHealth, which is part of the Ctx and so cannot take one.
 */
export interface DeliveryResult {
  sent: number;
  failed: number;
}

/**
 * Posts each firing and each recovery not yet announced to
 * `ALERT_WEBHOOK_URL`, once: a notification is claimed by a conditional
 * UPDATE of `firing_notified_at` / `resolved_notified_at` before it is sent,
 * so two processes never both send it. A send that fails after its retries
 * releases the claim and is tried again on the next run, until it is older
 * than `maxAgeMs`. A recovery is announced only after its firing was.
 */
export async function deliverAlertNotifications({
  ctx,
  input,
}: {
  ctx: AlertNotificationDeps;
  input: { now: Date; retry?: Partial<RetryPolicy>; maxAgeMs?: number };
}): Promise<DeliveryResult> {
  const url = ctx.config.alertWebhookUrl;
  if (!url) return { sent: 0, failed: 0 };
  const policy = { ...DEFAULT_NOTIFY_RETRY, ...input.retry };
  const cutoff = new Date(input.now.getTime() - (input.maxAgeMs ?? DEFAULT_MAX_AGE_MS));
  const due = await ctx.db
    .select(alertColumns)
    .from(alerts)
    .where(
      or(
        and(isNull(alerts.firingNotifiedAt), gte(alerts.lastEvaluatedAt, cutoff)),
        and(eq(alerts.status, 'resolved'), isNull(alerts.resolvedNotifiedAt), gte(alerts.resolvedAt, cutoff)),
      ),
    )
    .orderBy(asc(alerts.firedAt))
    .limit(BATCH);

  const silences = await activeSilences(ctx.db, input.now);
  const result: DeliveryResult = { sent: 0, failed: 0 };
  const send = async (row: (typeof due)[number], kind: 'firing' | 'resolved'): Promise<boolean> => {
    const outcome = await sendOnce(ctx, url, { ...row, details: asObject(row.details) }, kind, input.now, policy);
    if (outcome === 'sent') result.sent++;
    if (outcome === 'failed') result.failed++;
    return outcome === 'sent';
  };
  await Promise.all(
    due.map(async (row) => {
      let suppressedBy = row.firingSuppressedBy;
      if (row.firingNotifiedAt === null) {
        const silence = silences.get(row.rule);
        if (silence) {
          if (!(await suppress(ctx, row.id, 'firing', silence.id, input.now))) return;
          suppressedBy = silence.id;
        } else if (!(await send(row, 'firing'))) return;
      }
      if (row.status !== 'resolved' || row.resolvedNotifiedAt !== null) return;
      // A recovery closes what the receiver heard of, silence or not; one it never heard of stays unsaid.
      if (suppressedBy) await suppress(ctx, row.id, 'resolved', suppressedBy, input.now);
      else await send(row, 'resolved');
    }),
  );
  const notices = await deliverLifecycleNotices(ctx, url, { now: input.now, cutoff, policy, silences });
  return { sent: result.sent + notices.sent, failed: result.failed + notices.failed };
}

/** Claims a notification as handled without posting it: a silence swallowed it (the column names which). */
async function suppress(ctx: AlertNotificationDeps, id: string, kind: 'firing' | 'resolved', silenceId: string, now: Date): Promise<boolean> {
  const [column, set] =
    kind === 'firing'
      ? [alerts.firingNotifiedAt, { firingNotifiedAt: now, firingSuppressedBy: silenceId }]
      : [alerts.resolvedNotifiedAt, { resolvedNotifiedAt: now, resolvedSuppressedBy: silenceId }];
  const claimed = await ctx.db.update(alerts).set(set).where(and(eq(alerts.id, id), isNull(column))).returning({ id: alerts.id });
  if (claimed.length > 0) ctx.logger.info({ alert_id: id, kind, silence_id: silenceId }, 'alert notification suppressed by a silence');
  return claimed.length > 0;
}

async function sendOnce(
  ctx: AlertNotificationDeps,
  url: string,
  alert: NotifiedAlert,
  kind: 'firing' | 'resolved',
  now: Date,
  policy: RetryPolicy,
): Promise<'sent' | 'failed' | 'not_claimed'> {
  const column = kind === 'firing' ? alerts.firingNotifiedAt : alerts.resolvedNotifiedAt;
  const field = kind === 'firing' ? 'firingNotifiedAt' : 'resolvedNotifiedAt';
  const claimed = await ctx.db
    .update(alerts)
    .set({ [field]: now })
    .where(and(eq(alerts.id, alert.id), isNull(column)))
    .returning({ id: alerts.id });
  if (claimed.length === 0) return 'not_claimed';

  if (await postAlertNotification(ctx, url, alert, kind, policy, 'it will be tried again on the next evaluation')) return 'sent';
  await ctx.db
    .update(alerts)
    .set({ [field]: null })
    .where(and(eq(alerts.id, alert.id), eq(column, now)))
    .catch((e: unknown) => ctx.logger.warn({ err: e, alert_id: alert.id }, 'could not release an alert notification claim'));
  return 'failed';
}

/**
 * One notification, posted with the policy's retries and logged (the URL
 * never is, it may be a secret); `ifFailed` says what happens next.
 */
export async function postAlertNotification(
  ctx: Pick<AlertNotificationDeps, 'logger' | 'config'>,
  url: string,
  alert: NotifiedAlert,
  kind: 'firing' | 'resolved',
  policy: RetryPolicy,
  ifFailed: string,
): Promise<boolean> {
  const outcome = await postJsonWithRetries(url, alertNotificationBody(url, alert, kind, ctx.config.baseUrl), policy);
  const fields = { alert: alert.rule, alert_id: alert.id, kind, attempts: outcome.attempts };
  if (outcome.ok) ctx.logger.info(fields, 'alert notification sent');
  else ctx.logger.warn({ ...fields, status: outcome.status, reason: outcome.error }, `alert notification failed; ${ifFailed}`);
  return outcome.ok;
}
