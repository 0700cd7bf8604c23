import { healthSchema } from '../../contracts/health';
import { errorBodySchema } from '../../contracts/error-body';
import { getHealth } from '../../domain/health/get-health';
import { ok, okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';

export const healthRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/health',
    operationId: 'getHealth',
    tag: 'system',
    summary: 'Database reachable, driver, uptime, version (503 with the same fields while the database is away)',
    verb: getHealth,
    // 503 is this route's own answer: DESIGN.md's error body with the health fields beside it.
    responses: { 200: okBody(healthSchema), 503: errorBodySchema.extend(healthSchema.shape) },
    answer: (health, { ctx }) =>
      health.status === 'ok'
        ? ok(health)
        : {
            status: 503,
            headers: { 'Retry-After': '5' },
            body: { success: false as const, error: 'Service Unavailable', message: 'The database is not reachable.', correlation_id: ctx.correlationId, ...health },
          },
  }),
];
