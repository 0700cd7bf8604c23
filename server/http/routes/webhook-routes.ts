import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Ctx } from '../../domain/context';
import { DomainError } from '../../domain/errors';
import { getReceiverStatus } from '../../domain/webhooks/get-receiver-status';
import { ingestWebhook } from '../../domain/webhooks/ingest-webhook';
import type { RejectionReason } from '../../domain/webhooks/rejection-recorder';
import { sendError, toDomainError } from '../error-handler';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;.*)?$/i;

export function webhookRoutes(ctx: Ctx): Router {
  const router = Router();
  const path = '/api/webhooks/opal-workflow';

  const refuse = (req: Request, res: Response, reason: RejectionReason, error: DomainError) => {
    const length = Number(req.headers['content-length']);
    ctx.rejections.record({
      reason,
      detail: error.message,
      sourceIp: req.ip,
      bodySize: Number.isFinite(length) ? length : undefined,
      correlationId: res.locals.correlationId,
    });
    sendError(res, error);
  };

  router.get(path, async (_req, res) => {
    res.json({ success: true, ...(await getReceiverStatus({ ctx })) });
  });

  router.post(
    path,
    rateLimit({
      windowMs: 60_000,
      limit: ctx.config.webhook.rateLimitPerMin,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      handler: (req, res, _next, options) => {
        res.setHeader('Retry-After', String(Math.ceil(options.windowMs / 1000)));
        refuse(
          req,
          res,
          'rate_limited',
          new DomainError('RateLimited', 'Too Many Requests', `More than ${options.limit} deliveries a minute from this address.`, {
            retryAfterSeconds: Math.ceil(options.windowMs / 1000),
          }),
        );
      },
    }),
    (req: Request, res: Response, next: NextFunction) => {
      if (JSON_TYPE.test(req.headers['content-type'] ?? '')) {
        next();
        return;
      }
      refuse(
        req,
        res,
        'unsupported_media_type',
        new DomainError('UnsupportedMediaType', 'Unsupported Media Type', 'Webhook deliveries must be sent as application/json.'),
      );
    },
    express.raw({ type: () => true, limit: ctx.config.webhook.maxBytes }),
    async (req: Request, res: Response) => {
      const result = await ingestWebhook({
        ctx,
        input: {
          rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          headers: req.headers,
          sourceIp: req.ip,
          correlationId: res.locals.correlationId,
          receivedAt: ctx.now(),
        },
      });
      if (result.kind === 'stored') {
        res.status(202).json({ success: true, status: 'accepted', event_id: result.eventId, correlation_id: res.locals.correlationId });
      } else {
        res.status(200).json({ success: true, duplicate: true, event_id: result.eventId, correlation_id: res.locals.correlationId });
      }
    },
    // Body errors (too large, an encoding that does not decode, aborted) are refusals too.
    (err: unknown, req: Request, res: Response, next: NextFunction) => {
      const known = toDomainError(err);
      if (known?.kind === 'PayloadTooLarge') {
        refuse(req, res, 'payload_too_large', new DomainError('PayloadTooLarge', 'Payload Too Large', `The body is larger than ${ctx.config.webhook.maxBytes} bytes.`));
      } else if (known?.kind === 'UnsupportedMediaType') {
        refuse(req, res, 'unsupported_media_type', known);
      } else if (known?.kind === 'Validation') {
        refuse(req, res, 'malformed_body', known);
      } else {
        next(err);
      }
    },
  );
  return router;
}
