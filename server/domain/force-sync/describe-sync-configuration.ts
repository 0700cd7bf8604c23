import { defineVerb } from '../access/define-verb';
import { STRATEGY_WORKFLOW } from '../../contracts/strategy-workflow';
import type { Ctx } from '../context';

/**
 * `GET /api/opal/sync`: the runbook's environment validation. The checks made
 * at start-up (never a secret value), how Opal is reached, and the circuit
 * breaker's state.
 */
export const describeSyncConfiguration = defineVerb({
  action: 'system.configuration',
  access: 'public',
  run: function describeSyncConfiguration({ ctx }: { ctx: Ctx }) {
    const failed = ctx.configChecks.filter((c) => !c.ok);
    const webhookUrl = ctx.config.opal.webhookUrl;
    return {
      workflow_security: {
        allowed_workflow: STRATEGY_WORKFLOW,
        account_validation: true,
        security_note: `ONLY ${STRATEGY_WORKFLOW} is permitted`,
      },
      environment: ctx.config.nodeEnv,
      configuration: {
        valid: failed.length === 0,
        failed_checks: failed.length,
        checks: ctx.configChecks.map((c) => ({ variable: c.variable, status: c.ok ? 'ok' : 'failed', message: c.message })),
      },
      opal: {
        mode: ctx.opal.mode,
        // Opal's webhook URL carries its credential in the path: the origin only.
        endpoint: webhookUrl ? new URL(webhookUrl).origin : 'built-in simulator',
        workspace_id: ctx.config.opal.workspaceId,
        timeout_ms: ctx.config.opal.timeoutMs,
        auth_key_configured: ctx.config.opal.authKey.length > 0,
        circuit: ctx.opal.client.stats(),
      },
      database: { driver: ctx.database.driver },
    };
  },
});
