import { z } from 'zod';
import { acknowledgeAlertBodySchema, silenceAlertRuleInputSchema, silenceAnswerSchema } from '../../contracts/alert-lifecycle';
import { alertViewSchema, listAlertsInputSchema, listAlertsOutputSchema } from '../../contracts/alerts';
import { acknowledgeAlert } from '../../domain/alerts/acknowledge-alert';
import { liftSilence } from '../../domain/alerts/lift-silence';
import { listAlerts } from '../../domain/alerts/list-alerts';
import { silenceAlertRule } from '../../domain/alerts/silence-alert-rule';
import { ok, okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';

const uuidParam = (what: string) => z.object({ [what]: z.string().describe(`The ${what.replace('_id', '')}'s id (a UUID).`) });

export const alertRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/alerts',
    operationId: 'listAlerts',
    tag: 'alerts',
    summary: 'Alerts: firing first, then history (rule, value, threshold, fired/resolved times, state, acknowledgement, silence, transitions)',
    verb: listAlerts,
    query: listAlertsInputSchema,
    responses: { 200: okBody(listAlertsOutputSchema) },
    answer: (r) => ok(r),
  }),
  defineRoute({
    method: 'post',
    path: '/api/alerts/:alert_id/acknowledge',
    operationId: 'acknowledgeAlert',
    tag: 'alerts',
    summary: 'Acknowledge a firing alert ("I have this"), with an optional note',
    description:
      'The caller is recorded as the acknowledger. Acknowledging again as the same caller answers 200 with the same state and records nothing; 409 when another caller acknowledged it or it is resolved.',
    verb: acknowledgeAlert,
    params: uuidParam('alert_id'),
    body: { reader: 'json', schema: acknowledgeAlertBodySchema },
    input: (p) => ({ ...(p.body as object), alert_id: p.params.alert_id! }),
    responses: { 200: okBody(z.object({ alert: alertViewSchema })) },
    errors: [404, 409],
    answer: (r) => ok(r),
    examples: { request: { acknowledge: { summary: 'Acknowledge with a note', value: { note: 'Looking at the Opal side; see #incident-42' } } } },
  }),
  defineRoute({
    method: 'post',
    path: '/api/alerts/silences',
    operationId: 'silenceAlertRule',
    tag: 'alerts',
    summary: 'Silence a rule for 5 minutes to 7 days, with a required reason',
    description:
      'The rule keeps evaluating and storing its history, but notifies nobody until the silence ends or is lifted; then whatever still fires is announced again. One open silence per rule (409 otherwise).',
    verb: silenceAlertRule,
    body: { reader: 'json', schema: silenceAlertRuleInputSchema },
    responses: { 200: okBody(silenceAnswerSchema) },
    errors: [409],
    answer: (r) => ok(r),
    examples: {
      request: {
        silence: { summary: 'Silence the backlog rule for an hour', value: { rule: 'event_backlog', duration_minutes: 60, reason: 'Backfill of last week running; backlog expected' } },
      },
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/alerts/silences/:silence_id/lift',
    operationId: 'liftSilence',
    tag: 'alerts',
    summary: 'Lift a silence before its end',
    description: 'The rule notifies again at once; an alert still firing is announced again. 409 when the silence already ended (lifted or expired).',
    verb: liftSilence,
    params: uuidParam('silence_id'),
    input: (p) => ({ silence_id: p.params.silence_id! }),
    responses: { 200: okBody(silenceAnswerSchema) },
    errors: [404, 409],
    answer: (r) => ok(r),
  }),
];
