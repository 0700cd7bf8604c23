import { Router } from 'express';
import type { Ctx } from '../../domain/context';
import { discoverTools, SEND_WORKFLOW_EVENT_PATH } from '../../domain/opal-tools/tool-registry';
import { receiveToolEvent } from '../../domain/opal-tools/receive-tool-event';
import { correlationIdOf } from '../authorize';
import { jsonBody } from '../json-body';

/** Opal's custom-tool path: discovery, and the tool that reports workflow events. */
export function opalToolRoutes(ctx: Ctx): Router {
  const router = Router();

  router.get('/api/opal/discovery', (_req, res) => {
    res.json(discoverTools({ baseUrl: ctx.config.baseUrl, authRequired: Boolean(ctx.config.opal.toolToken) }));
  });

  router.post(SEND_WORKFLOW_EVENT_PATH, jsonBody, async (req, res) => {
    const result = await receiveToolEvent({
      ctx,
      input: {
        authorization: req.headers.authorization,
        body: req.body,
        sourceIp: req.ip,
        correlationId: correlationIdOf(res),
        receivedAt: ctx.now(),
      },
    });
    res.status(result.kind === 'stored' ? 202 : 200).json({
      success: true,
      ...(result.kind === 'duplicate' ? { duplicate: true } : { status: 'accepted' }),
      event_id: result.eventId,
      workflow_id: result.workflowId,
      correlation_id: correlationIdOf(res),
    });
  });

  return router;
}
