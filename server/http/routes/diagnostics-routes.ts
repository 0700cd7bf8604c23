import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import {
  type DiagnosticsAction,
  diagnosticsActionNameSchema,
  diagnosticsActionSchema,
  lastWebhookQuerySchema,
} from '../../contracts/diagnostics';
import type { Caller, Role } from '../../domain/auth/caller';
import type { Ctx } from '../../domain/context';
import { getLastWebhook } from '../../domain/diagnostics/get-last-webhook';
import { testConfiguration } from '../../domain/diagnostics/test-configuration';
import { forbidden, validationError } from '../../domain/errors';
import { cleanupOldEvents } from '../../domain/retention/cleanup-old-events';
import { parseInput } from '../../domain/shared/parse-input';
import { ADMIN_ROLES, callerOf, correlationIdOf, OPERATOR_ROLES, READ_ROLES, requireRoles } from '../authorize';

const PATH = '/api/diagnostics/last-webhook';
// DESIGN.md "Access": checked once the action is known.
const ACTION_ROLES: Record<DiagnosticsAction, readonly Role[]> = { test_configuration: OPERATOR_ROLES, cleanup_old_events: ADMIN_ROLES };
const readText = express.text({ type: () => true, limit: '16kb' });

/**
 * The runbook posts here with `curl -d '{"action": …}'` and no content type
 * (curl then says application/x-www-form-urlencoded), so the body is read as
 * JSON text whatever its declared type; text that is not JSON is still a 400.
 */
const jsonTextBody: RequestHandler = (req, res, next) => {
  readText(req, res, (err?: unknown) => {
    if (err) return next(err);
    const text = typeof req.body === 'string' ? req.body.trim() : '';
    try {
      req.body = text === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      return next(validationError('The body is not valid JSON.', [{ path: '(body)', message: 'must be JSON, e.g. {"action":"test_configuration"}' }]));
    }
    next();
  });
};

/**
 * The caller was authenticated as at least an operator before the body was
 * read; the action's own role is checked once it is known, and a refusal is
 * audited like any other.
 */
function authorizeAction(ctx: Ctx, req: Request, res: Response, action: DiagnosticsAction): Caller {
  const caller = callerOf(res);
  const roles = ACTION_ROLES[action];
  if (roles.includes(caller.role)) return caller;
  const e = forbidden(`"${caller.name}" has role ${caller.role}; ${action} needs ${roles.join(' or ')}.`);
  ctx.audit.record({
    actor: caller.name,
    action: 'auth.forbidden',
    outcome: 'failure',
    target: `POST ${PATH} ${action}`,
    details: { reason: e.message },
    sourceIp: req.ip,
    correlationId: correlationIdOf(res),
  });
  throw e;
}

export function diagnosticsRoutes(ctx: Ctx): Router {
  const router = Router();

  router.get(PATH, requireRoles(ctx, READ_ROLES), async (req, res) => {
    const input = parseInput(lastWebhookQuerySchema, req.query, 'The diagnostics query');
    res.json({ success: true, ...(await getLastWebhook({ ctx, input })) });
  });

  // Every action needs at least an operator: weaker callers are refused before the body is read.
  router.post(PATH, requireRoles(ctx, OPERATOR_ROLES), jsonTextBody, async (req, res) => {
    parseInput(diagnosticsActionNameSchema, req.body, 'The diagnostics action');
    const body = parseInput(diagnosticsActionSchema, req.body, 'The diagnostics action');
    const caller = authorizeAction(ctx, req, res, body.action);
    const meta = { correlationId: correlationIdOf(res), sourceIp: req.ip };
    if (body.action === 'test_configuration') {
      res.json({ success: true, action: body.action, ...(await testConfiguration({ ctx, input: { caller, ...meta } })) });
      return;
    }
    const result = await cleanupOldEvents({ ctx, input: { retentionDays: body.retention_days, actor: caller.name, trigger: 'request', ...meta } });
    res.json({ success: true, action: body.action, ...result });
  });

  return router;
}
