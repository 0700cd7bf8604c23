import type { DiagnosticsActionInput } from '../../contracts/diagnostics';
import { ACCESS } from '../../contracts/roles';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import { requestCleanup } from '../retention/cleanup-old-events';
import { testConfiguration } from './test-configuration';

/**
 * `POST /api/diagnostics/last-webhook`: every action needs at least an
 * operator (so weaker callers are refused before the body is read); each
 * action's verb then checks its own roles (cleanup_old_events: admin).
 */
export const runDiagnosticsAction = defineVerb({
  action: 'diagnostics.action',
  access: ACCESS.operate,
  run: async ({ ctx, input }: { ctx: ActorCtx; input: DiagnosticsActionInput }) => {
    if (input.action === 'test_configuration') return { action: input.action, ...(await testConfiguration({ ctx, input: undefined })) };
    return { action: input.action, ...(await requestCleanup({ ctx, input: { retentionDays: input.retention_days, reason: input.reason } })) };
  },
});
