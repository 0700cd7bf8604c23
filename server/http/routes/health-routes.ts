import { Router } from 'express';
import type { Ctx } from '../../domain/context';
import { getHealth } from '../../domain/health/get-health';

export function healthRoutes(ctx: Ctx): Router {
  const router = Router();
  router.get('/api/health', async (_req, res) => {
    const health = await getHealth({ ctx });
    const ok = health.status === 'ok';
    if (ok) {
      res.json({ success: true, ...health });
      return;
    }
    res.setHeader('Retry-After', '5');
    res.status(503).json({
      success: false,
      error: 'Service Unavailable',
      message: 'The database is not reachable.',
      correlation_id: res.locals.correlationId,
      ...health,
    });
  });
  return router;
}
