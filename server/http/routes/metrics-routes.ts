import { Router } from 'express';
import { metricsInputSchema } from '../../contracts/metrics';
import type { Ctx } from '../../domain/context';
import { getMetrics } from '../../domain/metrics/get-metrics';
import { scrapeMetrics } from '../../domain/metrics/scrape-metrics';
import { parseInput } from '../../domain/shared/parse-input';
import { READ_ROLES, requireRoles } from '../authorize';

export function metricsRoutes(ctx: Ctx): Router {
  const router = Router();

  // Prometheus text format, for the standard scrapers.
  router.get('/metrics', requireRoles(ctx, READ_ROLES), async (_req, res) => {
    const scrape = await scrapeMetrics({ ctx });
    res.setHeader('Content-Type', scrape.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(scrape.body);
  });

  // The metrics service: key metrics and charts over `range` (1h, 24h, 7d, custom with from/to).
  router.get('/api/metrics', requireRoles(ctx, READ_ROLES), async (req, res) => {
    const input = parseInput(metricsInputSchema, req.query, 'The metrics query');
    res.json({ success: true, ...(await getMetrics({ ctx, input })) });
  });

  return router;
}
