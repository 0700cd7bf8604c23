import { listAlertsInputSchema, listAlertsOutputSchema } from '../../contracts/alerts';
import { listAlerts } from '../../domain/alerts/list-alerts';
import { ok, okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';

export const alertRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/alerts',
    operationId: 'listAlerts',
    tag: 'alerts',
    summary: 'Alerts: firing first, then history (rule, value, threshold, fired/resolved times)',
    verb: listAlerts,
    query: listAlertsInputSchema,
    responses: { 200: okBody(listAlertsOutputSchema) },
    answer: (r) => ok(r),
  }),
];
