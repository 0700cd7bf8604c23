import { Router } from 'express';
import { forceSyncInputSchema } from '../../contracts/force-sync';
import type { Ctx } from '../../domain/context';
import { describeSyncConfiguration } from '../../domain/force-sync/describe-sync-configuration';
import { getSyncStatus } from '../../domain/force-sync/get-sync-status';
import { requestSync } from '../../domain/force-sync/request-sync';
import { parseInput } from '../../domain/shared/parse-input';
import { CLIENT_ROLES, callerOf, correlationIdOf, idempotencyKeyOf, requireRoles } from '../authorize';
import { jsonBody } from '../json-body';

export function forceSyncRoutes(ctx: Ctx): Router {
  const router = Router();

  router.get('/api/opal/sync', (_req, res) => {
    res.json({ success: true, ...describeSyncConfiguration({ ctx }) });
  });

  router.post('/api/opal/sync', requireRoles(ctx, CLIENT_ROLES), jsonBody, async (req, res) => {
    const body = parseInput(forceSyncInputSchema, req.body, 'The force sync request');
    const answer = await requestSync({
      ctx,
      input: { request: { kind: 'force_sync', body }, rawBody: req.body, caller: callerOf(res), correlationId: correlationIdOf(res), idempotencyKey: idempotencyKeyOf(req) },
    });
    if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(answer.status).json(answer.body);
  });

  router.get('/api/opal/sync/:sync_id', requireRoles(ctx, CLIENT_ROLES), async (req, res) => {
    res.json({ success: true, ...(await getSyncStatus({ ctx, input: { syncId: String(req.params.sync_id) } })) });
  });

  return router;
}
