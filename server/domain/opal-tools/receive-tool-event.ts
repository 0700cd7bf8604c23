import { createHash, timingSafeEqual } from 'node:crypto';
import { defineVerb } from '../access/define-verb';
import { bearerTokenOf } from '../access/identify-caller';
import type { RequestCtx } from '../access/request-context';
import { type DomainError, unauthorized, validationError } from '../errors';
import { type AcceptEventResult, acceptEvent } from '../webhooks/accept-event';
import { recordRefusal } from '../webhooks/record-refusal';
import type { RejectionReason } from '../webhooks/rejection-recorder';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Opal's custom-tool call `send_workflow_event`: `{ parameters: {...} }`
 * with `OPAL_TOOL_TOKEN` as bearer (open in development when unset). The
 * parameters become the same workflow event a signed webhook carries, through
 * the same acceptEvent: same validation, dedup and processing.
 */
export const receiveToolEvent = defineVerb({
  action: 'tools.sendWorkflowEvent',
  // The tool token is this verb's own credential, checked below.
  access: 'public',
  run: async ({ ctx, input }: { ctx: RequestCtx; input: { authorization: string | undefined; body: unknown; receivedAt: number } }): Promise<AcceptEventResult> => {
    const refuse = (reason: RejectionReason, error: DomainError) =>
      recordRefusal(ctx, { reason, error, sourceIp: ctx.sourceIp, correlationId: ctx.correlationId, signatureScheme: 'opal_tool' });
    const token = ctx.config.opal.toolToken;
    if (token) {
      const given = bearerTokenOf(input.authorization) ?? '';
      if (!timingSafeEqual(digest(given), digest(token))) {
        throw refuse('unauthorized_tool_call', unauthorized('Authentication failed', 'Invalid or missing tool token: send Authorization: Bearer <OPAL_TOOL_TOKEN>.'));
      }
    }
    const parameters = (input.body as { parameters?: unknown } | null)?.parameters;
    if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
      throw refuse('invalid_event', validationError('A tool call carries its event in "parameters".', [{ path: 'parameters', message: 'must be an object' }]));
    }
    const text = JSON.stringify(parameters);
    return acceptEvent({
      ctx,
      input: {
        body: parameters,
        text,
        size: Buffer.byteLength(text),
        source: 'opal_tool',
        webhookId: undefined,
        sourceIp: ctx.sourceIp,
        correlationId: ctx.correlationId,
        receivedAt: input.receivedAt,
        refuse,
      },
    });
  },
});
