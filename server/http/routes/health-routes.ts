import { healthSchema, livenessSchema, notReadySchema, readinessSchema } from '../../contracts/health';
import { errorBodySchema } from '../../contracts/error-body';
import { getHealth } from '../../domain/health/get-health';
import { getLiveness } from '../../domain/health/get-liveness';
import { getReadiness } from '../../domain/health/get-readiness';
import { LIVENESS_PATH, READINESS_PATH } from '../probe-paths';
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
  defineRoute({
    method: 'get',
    path: LIVENESS_PATH,
    operationId: 'getLiveness',
    tag: 'system',
    summary: 'Liveness probe: the process is up (200 even while the database is down, and while draining)',
    description: 'No database round trip: a database outage must not restart every process. Point a Kubernetes livenessProbe here.',
    verb: getLiveness,
    responses: { 200: okBody(livenessSchema) },
    answer: (live) => ok(live),
    examples: { responses: { 200: { live: { summary: 'The process is up', value: { success: true, status: 'live', version: '0.1.0', uptime_seconds: 3600 } } } } },
  }),
  defineRoute({
    method: 'get',
    path: READINESS_PATH,
    operationId: 'getReadiness',
    tag: 'system',
    summary: 'Readiness probe: 200 when the database answers and the process is not draining; else 503 with a reason',
    description:
      'Point a Kubernetes readinessProbe (or a load balancer health check) here. After SIGTERM it answers 503 `draining` at once while the process keeps serving for SHUTDOWN_DRAIN_MS; the database ping is bounded, so the answer comes in under a second even while the database hangs.',
    verb: getReadiness,
    responses: { 200: okBody(readinessSchema), 503: errorBodySchema.extend(notReadySchema.shape) },
    answer: (r, { ctx }) =>
      r.ready
        ? ok({ status: 'ready' as const, database_latency_ms: r.latencyMs })
        : {
            status: 503,
            headers: { 'Retry-After': r.reason === 'draining' ? '30' : '5' },
            body: {
              success: false as const,
              error: 'Service Unavailable',
              message: r.reason === 'draining' ? 'This process is shutting down; send requests to another.' : 'The database is not reachable.',
              correlation_id: ctx.correlationId,
              reason: r.reason,
            },
          },
    examples: {
      responses: {
        200: { ready: { summary: 'Ready for traffic', value: { success: true, status: 'ready', database_latency_ms: 0.8 } } },
        503: {
          database_unreachable: {
            summary: 'The database did not answer the ping in time',
            value: { success: false, error: 'Service Unavailable', message: 'The database is not reachable.', correlation_id: 'req-1699123456789-1a2b3c4d', reason: 'database_unreachable' },
          },
          draining: {
            summary: 'SIGTERM received: still serving for SHUTDOWN_DRAIN_MS, then the listener closes',
            value: { success: false, error: 'Service Unavailable', message: 'This process is shutting down; send requests to another.', correlation_id: 'req-1699123456789-1a2b3c4d', reason: 'draining' },
          },
        },
      },
    },
  }),
];
