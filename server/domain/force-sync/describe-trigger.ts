import { defineVerb } from '../access/define-verb';
import { STRATEGY_AGENTS, STRATEGY_WORKFLOW } from '../../contracts/strategy-workflow';
import type { Ctx } from '../context';

/** `GET /api/orchestrations/trigger`: what may be triggered, and how. */
export const describeTrigger = defineVerb({
  action: 'trigger.describe',
  access: 'public',
  run: function describeTrigger({ ctx }: { ctx: Ctx }) {
    return {
      endpoint: 'POST /api/orchestrations/trigger',
      allowed_workflows: [STRATEGY_WORKFLOW],
      security_note: `ONLY ${STRATEGY_WORKFLOW} is permitted; any other workflow_name is refused with 403`,
      agents: STRATEGY_AGENTS,
      fields: {
        workflow_name: `required; must be "${STRATEGY_WORKFLOW}"`,
        session_id: "optional; the client's own reference, stored and echoed",
        client_name: 'optional',
        preferences: 'optional object, passed to Opal',
        triggered_by: 'optional; who asked (defaults to the API key name)',
        metadata: 'optional object',
      },
      headers: {
        'Idempotency-Key': 'optional; the first answer is returned again for 24 hours',
        Authorization: ctx.apiKeys.enabled ? 'required: Bearer <API key> with role client, operator or admin' : 'not required (development)',
      },
      example: { workflow_name: STRATEGY_WORKFLOW, session_id: 'session_123', client_name: 'ACME Corp' },
      opal_mode: ctx.opal.mode,
      circuit_state: ctx.opal.client.circuitState(),
    };
  },
});
