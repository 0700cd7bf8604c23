import { z } from 'zod';
import { ALERTS_LIMIT } from './limits';

/** The alert rules (runbook "Alerting Rules", plus timed-out workflows). */
export const ALERT_RULE_NAMES = [
  'force_sync_success_rate',
  'webhook_silence',
  'database_connection',
  'auth_failures',
  'force_sync_response_time',
  'event_backlog',
  'signature_failure_rate',
  'workflow_timed_out',
] as const;
export const alertRuleNameSchema = z.enum(ALERT_RULE_NAMES);
export type AlertRuleName = z.infer<typeof alertRuleNameSchema>;

export const alertSeveritySchema = z.enum(['critical', 'warning']);
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;

export const alertStatusSchema = z.enum(['firing', 'resolved']);
export type AlertStatus = z.infer<typeof alertStatusSchema>;

export const alertStateSchema = z.enum(['firing', 'acknowledged', 'silenced', 'resolved']);
export type AlertState = z.infer<typeof alertStateSchema>;

/**
 * `GET /api/alerts` (query string) and the console's alert list. Unknown
 * query parameters are ignored (cache busters), bad values are a 400.
 */
export const listAlertsInputSchema = z.object({
  status: z.enum(['firing', 'resolved', 'all']).default('all'),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(ALERTS_LIMIT.max, `must be at most ${ALERTS_LIMIT.max}`).default(ALERTS_LIMIT.default),
});
export type ListAlertsInput = z.input<typeof listAlertsInputSchema>;
export type ListAlertsQuery = z.output<typeof listAlertsInputSchema>;

export const silenceViewSchema = z.object({
  id: z.uuid(),
  rule: z.string(),
  reason: z.string(),
  created_by: z.string(),
  created_at: z.iso.datetime(),
  ends_at: z.iso.datetime(),
  lifted_at: z.iso.datetime().nullable(),
  lifted_by: z.string().nullable(),
  /** When its end was recorded (lifted, or expired and noticed by the evaluation); null while open. */
  ended_at: z.iso.datetime().nullable(),
});
export type SilenceView = z.infer<typeof silenceViewSchema>;

export const ALERT_EVENT_KINDS = ['fired', 'acknowledged', 'silenced', 'silence_lifted', 'silence_expired', 'resolved'] as const;
export const alertEventKindSchema = z.enum(ALERT_EVENT_KINDS);
export type AlertEventKind = z.infer<typeof alertEventKindSchema>;

/** One transition in an alert's history. */
export const alertEventViewSchema = z.object({
  kind: alertEventKindSchema,
  /** Who: a user or API key name, or `system` for the evaluation's own transitions. */
  actor: z.string(),
  /** The acknowledgement's note, or the silence's reason. */
  note: z.string().nullable(),
  at: z.iso.datetime(),
  silence_id: z.uuid().nullable(),
});
export type AlertEventView = z.infer<typeof alertEventViewSchema>;

/** One alert as a client sees it: a firing, resolved in place when it recovers. */
export const alertViewSchema = z.object({
  id: z.uuid(),
  rule: z.string(),
  severity: z.string(),
  status: alertStatusSchema,
  message: z.string(),
  /** The rule's statistic at the last evaluation while firing (percent, ms or a count; see `details.unit`). */
  value: z.number().nullable(),
  /** The firing threshold; `details.resolve_threshold` is the recovery one. */
  threshold: z.number().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  fired_at: z.iso.datetime(),
  resolved_at: z.iso.datetime().nullable(),
  last_evaluated_at: z.iso.datetime(),
  firing_notified_at: z.iso.datetime().nullable(),
  resolved_notified_at: z.iso.datetime().nullable(),
  /** Where it is in its life: resolved, else silenced (its rule has an open silence), else acknowledged, else firing. */
  state: alertStateSchema,
  acknowledged_at: z.iso.datetime().nullable(),
  acknowledged_by: z.string().nullable(),
  acknowledge_note: z.string().nullable(),
  /** The rule's open silence while this alert fires; null otherwise. */
  silence: silenceViewSchema.nullable(),
  /** Its transitions, oldest first (the last 20). */
  history: z.array(alertEventViewSchema),
});
export type AlertView = z.infer<typeof alertViewSchema>;

export const listAlertsOutputSchema = z.object({
  status: z.enum(['firing', 'resolved', 'all']),
  limit: z.number().int(),
  /** Every firing alert, whatever the filter (at most one per rule). */
  firing_count: z.number().int(),
  /** Firing alerts first, then newest first. */
  alerts: z.array(alertViewSchema),
  /** Every open silence (a rule may be silenced while nothing fires). */
  silences: z.array(silenceViewSchema),
});
export type ListAlertsOutput = z.infer<typeof listAlertsOutputSchema>;
