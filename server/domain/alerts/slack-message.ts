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

/** A lifecycle notice about an incident still firing: who acknowledged or silenced it, or that its silence ended. */
export interface LifecycleNotice {
  kind: 'acknowledged' | 'silenced' | 'silence_ended';
  actor: string;
  note: string | null;
  at: Date;
  silencedUntil: string | null;
  /** For silence_ended: it ran out rather than being lifted. */
  expired: boolean;
}

/**
 * The notice's body: the same shape as a firing's (Slack's fields, plus
 * `incident_key`, `status: firing` and `event` for any other receiver), so
 * a receiver files it under the same incident.
 */
export function lifecycleNoticeBody(url: string, alert: NotifiedAlert, notice: LifecycleNotice, consoleUrl: string): SlackAlertMessage | AlertNotification {
  const firing = slackMessage(alert, 'firing', consoleUrl);
  const title = firing.attachments[0].title.replace(/ firing$/, '');
  const note = notice.note ? `: ${notice.note}` : '';
  const text =
    notice.kind === 'acknowledged'
      ? `[ACKNOWLEDGED] ${title}: acknowledged by ${notice.actor}${note}`
      : notice.kind === 'silenced'
        ? `[SILENCED] ${title}: silenced until ${notice.silencedUntil ?? 'later'} by ${notice.actor}${note}`
        : `[FIRING] ${title}: the silence ${notice.expired ? 'expired' : `was lifted by ${notice.actor}`} and it still fires. ${alert.message}`;
  const extra =
    notice.kind === 'acknowledged'
      ? [{ title: 'Acknowledged by', value: notice.actor, short: true }, ...(notice.note ? [{ title: 'Note', value: notice.note, short: false }] : [])]
      : notice.kind === 'silenced'
        ? [
            { title: 'Silenced until', value: notice.silencedUntil ?? 'n/a', short: true },
            { title: 'Silenced by', value: notice.actor, short: true },
            { title: 'Reason', value: notice.note ?? '', short: false },
          ]
        : [{ title: 'Silence', value: notice.expired ? 'expired' : `lifted by ${notice.actor}`, short: true }];
  const [attachment] = firing.attachments;
  const message: SlackAlertMessage = {
    text,
    attachments: [
      {
        ...attachment,
        fallback: text,
        color: notice.kind === 'silence_ended' ? attachment.color : '#546e7a',
        title: `${title} ${notice.kind.replace('_', ' ')}`,
        fields: [...attachment.fields.slice(0, -1), ...extra, attachment.fields[attachment.fields.length - 1]!],
        ts: Math.floor(notice.at.getTime() / 1000),
      },
    ],
  };
  return isSlackUrl(url) ? message : { ...message, incident_key: incidentKeyOf(alert), status: 'firing', event: notice.kind };
}
