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
});
export type AlertView = z.infer<typeof alertViewSchema>;

export const listAlertsOutputSchema = z.object({
  status: z.enum(['firing', 'resolved', 'all']),
  limit: z.number().int(),
  /** Every firing alert, whatever the filter (at most one per rule). */
  firing_count: z.number().int(),
  /** Firing alerts first, then newest first. */
  alerts: z.array(alertViewSchema),
});
export type ListAlertsOutput = z.infer<typeof listAlertsOutputSchema>;
