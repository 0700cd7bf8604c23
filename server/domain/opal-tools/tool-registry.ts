import { defineVerb } from '../access/define-verb';
import type { Ctx } from '../context';
import { EVENT_TYPES, EXECUTION_STATUSES } from '../../contracts/webhook-event';
import { SEND_WORKFLOW_EVENT_PATH } from './tool-paths';

// Defined in tool-paths.ts (why: see there); the routes import it from here.
export { SEND_WORKFLOW_EVENT_PATH };

/**
 * `GET /api/opal/discovery`: the custom tools Opal may call, in the format
 * of Opal's tools SDK (`{ functions: [{ name, description, parameters,
 * endpoint, http_method }] }`).
 */
export function discoverTools({ baseUrl, authRequired }: { baseUrl: string; authRequired: boolean }) {
  return {
    functions: [
      {
        name: 'send_workflow_event',
        description:
          'Report progress of a strategy_workflow run to OPAL Force Sync: the workflow starting, an agent starting, completing or failing, or the workflow ending. Stored once per workflow_id and event_id.',
        parameters: [
          { name: 'event_type', type: 'string' as const, description: `One of ${EVENT_TYPES.join(', ')}.`, required: true },
          { name: 'workflow_id', type: 'string' as const, description: 'The strategy_workflow run this event belongs to.', required: true },
          { name: 'agent_id', type: 'string' as const, description: 'The agent, for agent events.', required: false },
          { name: 'offset', type: 'number' as const, description: 'Position of the event in its workflow (0, 1, 2, …).', required: true },
          { name: 'timestamp', type: 'string' as const, description: 'When it happened, ISO 8601.', required: true },
          { name: 'event_id', type: 'string' as const, description: 'A unique id of this event within the workflow (deduplication).', required: false },
          { name: 'execution_status', type: 'string' as const, description: `One of ${EXECUTION_STATUSES.join(', ')}.`, required: false },
          { name: 'agent_data', type: 'object' as const, description: "The agent's results.", required: false },
          { name: 'metadata', type: 'object' as const, description: 'Anything else worth keeping.', required: false },
        ],
        endpoint: SEND_WORKFLOW_EVENT_PATH,
        http_method: 'POST' as const,
        ...(authRequired ? { auth_requirements: [{ provider: 'bearer', scope_bundle: 'opal_tool', required: true }] } : {}),
      },
    ],
    base_url: baseUrl,
  };
}

/** `GET /api/opal/discovery`: tool metadata only (no secret, no data), open to Opal. */
export const discoverOpalTools = defineVerb({
  action: 'tools.discover',
  access: 'public',
  run: ({ ctx }: { ctx: Ctx }) => discoverTools({ baseUrl: ctx.config.baseUrl, authRequired: Boolean(ctx.config.opal.toolToken) }),
});
