import { Router } from 'express';
import { triggerInputSchema } from '../../contracts/force-sync';
import type { Ctx } from '../../domain/context';
import { describeTrigger } from '../../domain/force-sync/describe-trigger';
import { requestSync } from '../../domain/force-sync/request-sync';
import { parseInput } from '../../domain/shared/parse-input';
import { CLIENT_ROLES, callerOf, correlationIdOf, idempotencyKeyOf, requireRoles } from '../authorize';
import { jsonBody } from '../json-body';

export function orchestrationRoutes(ctx: Ctx): Router {
  const router = Router();

  router.get('/api/orchestrations/trigger', (_req, res) => {
    res.json({ success: true, ...describeTrigger({ ctx }) });
  });

  router.post('/api/orchestrations/trigger', requireRoles(ctx, CLIENT_ROLES), jsonBody, async (req, res) => {
    const body = parseInput(triggerInputSchema, req.body, 'The trigger request');
    const answer = await requestSync({
      ctx,
      input: { request: { kind: 'trigger', body }, rawBody: req.body, caller: callerOf(res), correlationId: correlationIdOf(res), idempotencyKey: idempotencyKeyOf(req) },
    });
    if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(answer.status).json(answer.body);
  });

  return router;
}
