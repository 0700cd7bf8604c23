import { Router } from 'express';
import { listAlertsInputSchema } from '../../contracts/alerts';
import { listAlerts } from '../../domain/alerts/list-alerts';
import type { Ctx } from '../../domain/context';
import { parseInput } from '../../domain/shared/parse-input';
import { READ_ROLES, requireRoles } from '../authorize';

export function alertRoutes(ctx: Ctx): Router {
  const router = Router();

  // Firing alerts and recent history: ?status=firing|resolved|all&limit=1..200
  router.get('/api/alerts', requireRoles(ctx, READ_ROLES), async (req, res) => {
    const query = parseInput(listAlertsInputSchema, { status: req.query.status, limit: req.query.limit }, 'The alert query');
    res.json({ success: true, ...(await listAlerts({ ctx, input: query })) });
  });

  return router;
}
