import { z } from 'zod';
import { alertStatusSchema } from './alerts';

/**
 * What is POSTed to `ALERT_WEBHOOK_URL` for each firing and each recovery:
 * a Slack incoming-webhook body (`text` plus one legacy attachment, which
 * Slack, Mattermost and Rocket.Chat all render).
 */
export const slackAlertMessageSchema = z.object({
  text: z.string(),
  attachments: z.tuple([
    z.object({
      fallback: z.string(),
      color: z.string(),
      title: z.string(),
      text: z.string(),
      /** Rule, Severity, Value, Threshold, Fired at, Incident key; a recovery adds Resolved at and Duration. */
      fields: z.array(z.object({ title: z.string(), value: z.string(), short: z.boolean() })),
      footer: z.string(),
      /** Unix seconds: the firing's time, or the recovery's. */
      ts: z.number().int(),
    }),
  ]),
});

/**
 * Any other receiver gets the same body plus two fields of its own, for a
 * bridge to an incident tool (PagerDuty's `dedup_key`, Opsgenie's `alias`):
 * the firing and the recovery of one incident carry the same
 * `incident_key`, and `status` says which this is. Slack's own URLs get the
 * key as an attachment field only.
 */
export const alertNotificationSchema = slackAlertMessageSchema.extend({
  incident_key: z.string().min(1),
  status: alertStatusSchema,
  /**
   * Present on a lifecycle notice about an incident still firing (`status`
   * stays `firing`): someone acknowledged it, its rule was silenced, or the
   * silence ended while it still fires.
   */
  event: z.enum(['acknowledged', 'silenced', 'silence_ended']).optional(),
});

export type SlackAlertMessage = z.infer<typeof slackAlertMessageSchema>;
export type AlertNotification = z.infer<typeof alertNotificationSchema>;
