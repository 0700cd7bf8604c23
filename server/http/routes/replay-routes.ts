import { type Request, type Response, Router } from 'express';
import { bulkReplayInputSchema, listReplaysInputSchema, replayWorkflowInputSchema } from '../../contracts/replay';
import type { Ctx } from '../../domain/context';
import { bulkReplay } from '../../domain/replay/bulk-replay';
import { listReplays } from '../../domain/replay/list-replays';
import type { ReplayRequester } from '../../domain/replay/record-replay';
import { replayWorkflow } from '../../domain/replay/replay-workflow';
import { parseInput } from '../../domain/shared/parse-input';
import { OPERATOR_ROLES, READ_ROLES, callerOf, correlationIdOf, requireRoles } from '../authorize';
import { jsonBody } from '../json-body';

const requesterOf = (req: Request, res: Response): ReplayRequester => ({
  caller: callerOf(res),
  correlationId: correlationIdOf(res),
  sourceIp: req.ip,
});

/** Runbook section 5: replay one workflow's events, replay by filter, and the replay history. */
export function replayRoutes(ctx: Ctx): Router {
  const router = Router();

  router.post('/api/orchestrations/replay', requireRoles(ctx, OPERATOR_ROLES), jsonBody, async (req, res) => {
    const request = parseInput(replayWorkflowInputSchema, req.body, 'The replay request');
    res.json({ success: true, ...(await replayWorkflow({ ctx, input: { request, requester: requesterOf(req, res) } })) });
  });

  router.post('/api/orchestrations/replay/bulk', requireRoles(ctx, OPERATOR_ROLES), jsonBody, async (req, res) => {
    const request = parseInput(bulkReplayInputSchema, req.body, 'The bulk replay request');
    res.json({ success: true, ...(await bulkReplay({ ctx, input: { request, requester: requesterOf(req, res) } })) });
  });

  router.get('/api/orchestrations/replay', requireRoles(ctx, READ_ROLES), async (req, res) => {
    const input = parseInput(listReplaysInputSchema, { ...req.query }, 'The query');
    res.json({ success: true, ...(await listReplays({ ctx, input })) });
  });

  return router;
}
