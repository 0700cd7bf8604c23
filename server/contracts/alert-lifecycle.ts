import { z } from 'zod';
import { ALERT_NOTE_MAX, SILENCE_MINUTES } from './alert-lifecycle-limits';
import { alertRuleNameSchema, silenceViewSchema } from './alerts';


const trimmedText = (what: string) =>
  z
    .string()
    .trim()
    .max(ALERT_NOTE_MAX, `must be at most ${ALERT_NOTE_MAX} characters`)
    .describe(`${what} (at most ${ALERT_NOTE_MAX} characters)`);

/** `POST /api/alerts/{alert_id}/acknowledge` and `alerts.acknowledge`: who is the actor; the note is optional. */
export const acknowledgeAlertInputSchema = z.object({
  alert_id: z.uuid('must be an alert id (a UUID)'),
  note: trimmedText('What the acknowledger wants the others to know').optional(),
});
export type AcknowledgeAlertInput = z.input<typeof acknowledgeAlertInputSchema>;
export const acknowledgeAlertBodySchema = acknowledgeAlertInputSchema.omit({ alert_id: true });

/** `POST /api/alerts/silences` and `alerts.silence`: a rule notifies nobody for this long; the reason is required. */
export const silenceAlertRuleInputSchema = z.object({
  rule: alertRuleNameSchema,
  duration_minutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(SILENCE_MINUTES.min, `must be at least ${SILENCE_MINUTES.min} minutes`)
    .max(SILENCE_MINUTES.max, `must be at most ${SILENCE_MINUTES.max} minutes (7 days)`),
  reason: trimmedText('Why the rule is silenced').min(1, 'a reason is required'),
});
export type SilenceAlertRuleInput = z.input<typeof silenceAlertRuleInputSchema>;

/** `POST /api/alerts/silences/{silence_id}/lift` and `alerts.liftSilence`. */
export const liftSilenceInputSchema = z.object({ silence_id: z.uuid('must be a silence id (a UUID)') });
export type LiftSilenceInput = z.input<typeof liftSilenceInputSchema>;

export const silenceAnswerSchema = z.object({ silence: silenceViewSchema });
