import express, { type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { receiverStatusSchema, webhookAcceptedSchema, webhookDuplicateSchema } from '../../contracts/webhook-answers';
import { webhookEventSchema } from '../../contracts/webhook-event';
import type { Ctx } from '../../domain/context';
import { DomainError } from '../../domain/errors';
import { getReceiverStatus } from '../../domain/webhooks/get-receiver-status';
import { receiveWebhook } from '../../domain/webhooks/ingest-webhook';
import { recordRefusal } from '../../domain/webhooks/record-refusal';
import type { RejectionReason } from '../../domain/webhooks/rejection-recorder';
import { sendError, toDomainError } from '../error-handler';
import { JSON_TYPE } from '../rest/read-body';
import { ok, okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';

export const WEBHOOK_PATH = '/api/webhooks/opal-workflow';

/** Only for refusals before the body reaches ingestWebhook, which records its own. */
function refuse(ctx: Ctx, req: Request, res: Response, reason: RejectionReason, error: DomainError): void {
  const length = Number(req.headers['content-length']);
  sendError(
    res,
    recordRefusal(ctx, { reason, error, sourceIp: req.ip, correlationId: res.locals.correlationId as string, bodySize: Number.isFinite(length) ? length : undefined }),
  );
}

/** Per source address; the limit is per process (README "Scale"). */
const rateLimited = (ctx: Ctx): RequestHandler =>
  rateLimit({
    windowMs: 60_000,
    limit: ctx.config.webhook.rateLimitPerMin,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res, _next, options) => {
      const retryAfterSeconds = Math.ceil(options.windowMs / 1000);
      refuse(ctx, req, res, 'rate_limited', new DomainError('RateLimited', 'Too Many Requests', `More than ${options.limit} deliveries a minute from this address.`, { retryAfterSeconds }));
    },
  });

const jsonOnly =
  (ctx: Ctx): RequestHandler =>
  (req, res, next) => {
    if (JSON_TYPE.test(req.headers['content-type'] ?? '')) return next();
    refuse(ctx, req, res, 'unsupported_media_type', new DomainError('UnsupportedMediaType', 'Unsupported Media Type', 'Webhook deliveries must be sent as application/json.'));
  };

/**
 * The raw bytes, for the signature. Body errors (too large, an encoding that
 * does not decode or is unknown, aborted) are refusals too. They are caught
 * here, at the read, so that no error thrown by ingestWebhook is ever mapped
 * (and recorded) by the route.
 */
const readRaw = (ctx: Ctx): RequestHandler => {
  const raw = express.raw({ type: () => true, limit: ctx.config.webhook.maxBytes });
  return (req, res, next) => {
    raw(req, res, (err?: unknown) => {
      if (!err) return next();
      const known = toDomainError(err);
      if (known?.kind === 'PayloadTooLarge') {
        refuse(ctx, req, res, 'payload_too_large', new DomainError('PayloadTooLarge', 'Payload Too Large', `The body is larger than ${ctx.config.webhook.maxBytes} bytes.`));
      } else if (known?.kind === 'UnsupportedMediaType') {
        refuse(ctx, req, res, 'unsupported_media_type', known);
      } else if (known?.kind === 'Validation') {
        refuse(ctx, req, res, 'malformed_body', known);
      } else {
        next(err);
      }
    });
  };
};

export const webhookRoutes = [
  defineRoute({
    method: 'get',
    path: WEBHOOK_PATH,
    operationId: 'getReceiverStatus',
    tag: 'webhooks',
    summary: 'Receiver status: schemes accepted, events and failures in 24 h, signature failure rate (counts only)',
    verb: getReceiverStatus,
    responses: { 200: okBody(receiverStatusSchema) },
    answer: (r) => ok(r),
  }),
  defineRoute({
    method: 'post',
    path: WEBHOOK_PATH,
    operationId: 'receiveWorkflowEvent',
    tag: 'webhooks',
    summary: "Opal's signed workflow callback",
    description:
      'Signed with X-OSA-Signature (t=<ms>,v1=<hex>) or Standard Webhooks headers. 202 once stored durably; a repeat → 409 (OSA, naming the original event_id) or 200 duplicate (Standard Webhooks). The original relay format (no event_type, an agent execution_status) is accepted too.',
    verb: receiveWebhook,
    before: (ctx) => [rateLimited(ctx), jsonOnly(ctx)],
    body: { reader: 'raw', schema: webhookEventSchema, read: readRaw, validatedByVerb: true },
    security: [{ osaSignature: [] }, { standardWebhooks: [] }],
    // Whatever ingestWebhook throws it has already recorded: it goes on to the central error handler as it is.
    input: ({ req, ctx }) => ({ rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), headers: req.headers, receivedAt: ctx.now() }),
    responses: { 202: okBody(webhookAcceptedSchema), 200: okBody(webhookDuplicateSchema) },
    errors: [401, 409, 415, 429],
    answer: (r, { ctx }) =>
      r.kind === 'stored'
        ? { status: 202, body: { success: true, status: 'accepted', event_id: r.eventId, correlation_id: ctx.correlationId } }
        : { status: 200, body: { success: true, duplicate: true, event_id: r.eventId, correlation_id: ctx.correlationId } },
  }),
];
