import type { AlertNotification, SlackAlertMessage } from '../../contracts/alert-notification';
import { DEFAULT_ALERT_RULES } from './alert-rules';
import { incidentKeyOf } from './incident-key';
import { formatDuration, formatValue } from './judge-alert-rules';

export interface NotifiedAlert {
  id: string;
  rule: string;
  severity: string;
  message: string;
  value: number | null;
  threshold: number | null;
  details: Record<string, unknown>;
  firedAt: Date;
  resolvedAt: Date | null;
}

/**
 * The body posted to `url` (contracts/alert-notification.ts): Slack's own
 * hooks get Slack's fields only; any other receiver also gets
 * `incident_key` and `status` at the top level, for a bridge to an incident
 * tool.
 */
export function alertNotificationBody(
  url: string,
  alert: NotifiedAlert,
  kind: 'firing' | 'resolved',
  consoleUrl: string,
): SlackAlertMessage | AlertNotification {
  const message = slackMessage(alert, kind, consoleUrl);
  return isSlackUrl(url) ? message : { ...message, incident_key: incidentKeyOf(alert), status: kind };
}

function isSlackUrl(url: string): boolean {
  try {
    return new URL(url).hostname === 'hooks.slack.com';
  } catch {
    return false;
  }
}

/**
 * A Slack-compatible incoming-webhook body (`text` plus a legacy attachment,
 * which Slack, Mattermost and Rocket.Chat all render). Built only from the
 * alert (stored, or held in memory through a database outage), which holds
 * figures and ids, never a secret.
 */
export function slackMessage(alert: NotifiedAlert, kind: 'firing' | 'resolved', consoleUrl: string): SlackAlertMessage {
  const title = (DEFAULT_ALERT_RULES as unknown as Record<string, { title?: string }>)[alert.rule]?.title ?? alert.rule;
  const unit = alert.details.unit === 'percent' || alert.details.unit === 'ms' ? alert.details.unit : 'count';
  const show = (v: number | null) => (v === null ? 'n/a' : formatValue(unit, v));
  const recovery = alert.details.recovery as { message?: unknown } | undefined;
  const text =
    kind === 'firing'
      ? `[FIRING] ${alert.severity}: ${title}. ${alert.message}`
      : `[RESOLVED] ${title}. ${typeof recovery?.message === 'string' ? recovery.message : 'Back within its threshold.'}`;
  const fields = [
    { title: 'Rule', value: alert.rule, short: true },
    { title: 'Severity', value: alert.severity, short: true },
    { title: 'Value', value: show(alert.value), short: true },
    { title: 'Threshold', value: show(alert.threshold), short: true },
    { title: 'Fired at', value: alert.firedAt.toISOString(), short: true },
    ...(kind === 'resolved' && alert.resolvedAt
      ? [
          { title: 'Resolved at', value: alert.resolvedAt.toISOString(), short: true },
          { title: 'Duration', value: formatDuration(alert.resolvedAt.getTime() - alert.firedAt.getTime()), short: true },
        ]
      : []),
    { title: 'Incident key', value: incidentKeyOf(alert), short: false },
  ];
  return {
    text,
    attachments: [
      {
        fallback: text,
        color: kind === 'resolved' ? '#2e7d32' : alert.severity === 'critical' ? '#c62828' : '#f9a825',
        title: `${title} ${kind}`,
        text: alert.message,
        fields,
        footer: `OPAL Force Sync · alert ${alert.id} · ${consoleUrl}`,
        ts: Math.floor((kind === 'resolved' && alert.resolvedAt ? alert.resolvedAt : alert.firedAt).getTime() / 1000),
      },
    ],
  };
}
