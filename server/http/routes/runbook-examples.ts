import type { Example } from '../rest/route';

const one = (summary: string, value: unknown): Record<string, Example> => ({ runbook: { summary, value } });

/**
 * The runbook's own examples (shared/spec/runbook.md), as the document's
 * examples. Where this server answers more than the runbook shows (polling
 * URL, mode, session id), the example has those fields too, so that every
 * example is a valid answer: a test holds each one to its contract.
 */
export const RUNBOOK = {
  forceSyncRequest: one('Runbook section 1: force sync', {
    sync_scope: 'priority_platforms',
    client_context: { client_name: 'Test Client', industry: 'Technology' },
  }),
  forceSyncAnswer: one('Runbook section 1: success response', {
    success: true,
    sync_id: 'internal-workflow-123',
    correlation_id: 'force-sync-1699123456-abc123',
    message: 'Force sync completed successfully',
    sync_details: {
      sync_scope: 'priority_platforms',
      internal_workflow: { enabled: true, workflow_id: 'internal-workflow-123' },
      external_opal: { triggered: true, workflow_id: 'strategy_workflow_456', session_id: null, ai_agents_count: 9, mode: 'live' },
    },
    polling_url: 'http://localhost:3000/api/opal/sync/internal-workflow-123',
  }),
  triggerRequest: one('Runbook section 2: orchestration trigger', {
    workflow_name: 'strategy_workflow',
    session_id: 'session_123',
    client_name: 'ACME Corp',
  }),
  replayRequests: {
    dryRun: { summary: 'Runbook section 5: dry run', value: { workflow_id: 'wf_123', dry_run: true } },
    dataRecovery: {
      summary: 'Runbook "Data Recovery": replay from offset 0, reprocessing',
      value: { workflow_id: 'affected-workflow-id', from_offset: 0, replay_options: { force_reprocess: true } },
    },
  },
  diagnosticsActions: {
    testConfiguration: { summary: 'Runbook "Database Connection Issues"', value: { action: 'test_configuration' } },
    cleanup: { summary: 'Runbook "Weekly Tasks": retention', value: { action: 'cleanup_old_events', retention_days: 30 } },
    cleanupWithReason: {
      summary: 'Retention with its reason (required in production)',
      value: { action: 'cleanup_old_events', retention_days: 30, reason: 'weekly retention' },
    },
  },
  configurationError: one('Runbook "Force Sync Returns 500 Error"', {
    success: false,
    error: 'Configuration Error',
    message: 'Environment validation failed',
    correlation_id: 'force-sync-1699123456-abc123',
  }),
  authenticationFailed: one('Runbook "Authentication Failures"', {
    success: false,
    error: 'Authentication failed',
    message: 'Invalid or missing authentication key',
    correlation_id: 'force-sync-1699123456-abc123',
  }),
} as const;
