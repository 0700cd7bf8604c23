import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import type { LastWebhookQuery, LastWebhookResult } from '../../contracts/diagnostics';
import type { Ctx } from '../context';
import { refuseUnstorable } from '../shared/parse-input';
import { getSystemHealth } from './get-system-health';
import { listWebhookEvents } from './list-webhook-events';

/** `GET /api/diagnostics/last-webhook`: a page of events and the receiver's health (runbook section 4). */
export const getLastWebhook = defineVerb({
  action: 'diagnostics.events',
  access: ACCESS.read,
  run: async function getLastWebhook({ ctx, input }: { ctx: Ctx; input: LastWebhookQuery }): Promise<LastWebhookResult> {
    // `q` arrives as JSON text: its escapes (\u0000, a lone surrogate) only exist once parsed, and jsonb refuses them.
    if (input.q) refuseUnstorable({ q: input.q }, 'The q filter');
    const [page, health] = await Promise.all([
      listWebhookEvents({ ctx, input }),
      // Health is the receiver's as a whole: only the time range narrows it, not the other filters.
      getSystemHealth({ ctx, input: { from: input.start_date, to: input.end_date } }),
    ]);
    return {
      events: page.events,
      pagination: { limit: input.limit, next_cursor: page.nextCursor, has_more: page.nextCursor !== null },
      system_health: health,
    };
  },
});
