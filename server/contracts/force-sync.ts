import { z } from 'zod';
import { databaseDriverSchema, nodeEnvSchema } from './health';
import { STRATEGY_AGENTS, STRATEGY_WORKFLOW } from './strategy-workflow';
import { WORKFLOW_STATUSES, workflowTimelineShape } from './workflow-timeline';
import { SYNC_TEXT_MAX_CHARS } from './limits';

export const SYNC_SCOPES = ['priority_platforms', 'all_platforms', 'odp_only', 'content_platforms'] as const;
export type SyncScope = (typeof SYNC_SCOPES)[number];

const text = (max = SYNC_TEXT_MAX_CHARS) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** `POST /api/opal/sync` (runbook section 1). Unknown fields are refused, with the field named. */
export const forceSyncInputSchema = z.strictObject({
  sync_scope: z.enum(SYNC_SCOPES).default('priority_platforms'),
  client_context: z
    .strictObject({
      client_name: text().optional(),
      industry: text().optional(),
      recipients: z.array(z.email('must be an e-mail address')).max(50, 'at most 50 recipients').optional(),
    })
    .optional(),
  include_rag_update: z.boolean().default(false),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type ForceSyncInput = z.infer<typeof forceSyncInputSchema>;

/** `POST /api/orchestrations/trigger` (runbook section 2). */
export const triggerInputSchema = z.strictObject({
  // Any name parses; the domain refuses every name but strategy_workflow with 403.
  workflow_name: text(),
  session_id: text().optional(),
  client_name: text().optional(),
  preferences: z.record(z.string(), z.unknown()).optional(),
  triggered_by: text().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type TriggerInput = z.infer<typeof triggerInputSchema>;

export const syncIdSchema = z.uuid();

// ---- answers ----

const instant = z.iso.datetime();
const count = z.int().nonnegative();
// Ids are typed as text, not z.uuid(): the runbook's examples use ids such as "internal-workflow-123".
const syncId = z.string().describe("This server's id of the request (a UUID); poll it at polling_url");
const opalWorkflowId = z.string().describe("Opal's id of the strategy_workflow run it started");
const answerCorrelationId = z
  .string()
  .describe('The request that made this answer; an Idempotent-Replayed repeat carries the first request\'s (its X-Correlation-Id header names the repeat)');
const pollingUrl = z.url().describe('GET it for the status of this request: GET /api/opal/sync/{sync_id}');

export const SYNC_KINDS = ['force_sync', 'trigger'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

export const OPAL_MODES = ['live', 'simulator'] as const;
export type OpalMode = (typeof OPAL_MODES)[number];
export const opalModeSchema = z.enum(OPAL_MODES).describe('live: OPAL_WEBHOOK_URL; simulator: the built-in Opal simulator');

export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
export type CircuitStateName = (typeof CIRCUIT_STATES)[number];
export const circuitStateSchema = z.enum(CIRCUIT_STATES).describe("The Opal client's circuit breaker: open refuses calls at once (503)");

/** The Opal client's circuit breaker, counted over its rolling window (60 s). */
export const opalCircuitStatsSchema = z.strictObject({
  state: circuitStateSchema,
  failures: count.describe('Calls that failed (Opal down, time-outs); refusals (4xx) count as successes'),
  successes: count,
  rejects: count.describe('Calls refused at once because the circuit was open'),
  openedAt: instant.nullable().describe('When the circuit last opened; null while closed'),
});
export type OpalCircuitStats = z.infer<typeof opalCircuitStatsSchema>;

/** `GET /api/opal/sync`: the runbook's environment validation. No secret values. */
export const syncConfigurationSchema = z.strictObject({
  workflow_security: z.strictObject({
    allowed_workflow: z.literal(STRATEGY_WORKFLOW).describe('The only workflow this service triggers'),
    account_validation: z.literal(true),
    security_note: z.string(),
  }),
  environment: nodeEnvSchema,
  configuration: z.strictObject({
    valid: z.boolean().describe('True when every check passed'),
    failed_checks: count,
    checks: z.array(
      z.strictObject({
        variable: z.string().describe('The environment variable checked'),
        status: z.enum(['ok', 'failed']),
        message: z.string().describe('What was found; never the value of a secret'),
      }),
    ),
  }),
  opal: z.strictObject({
    mode: opalModeSchema,
    endpoint: z.string().describe('The origin of OPAL_WEBHOOK_URL (its path holds a credential), or "built-in simulator"'),
    workspace_id: z.string().describe('OPAL_WORKSPACE_ID'),
    timeout_ms: count.describe('OPAL_TIMEOUT_MS: one attempt to call Opal'),
    auth_key_configured: z.boolean().describe('OPAL_STRATEGY_WORKFLOW_AUTH_KEY is set (never shown)'),
    circuit: opalCircuitStatsSchema,
  }),
  database: z.strictObject({ driver: databaseDriverSchema }),
});
export type SyncConfiguration = z.infer<typeof syncConfigurationSchema>;

/** `GET /api/orchestrations/trigger`: what may be triggered, and how. */
export const triggerDescriptionSchema = z.strictObject({
  endpoint: z.literal('POST /api/orchestrations/trigger'),
  allowed_workflows: z.array(z.literal(STRATEGY_WORKFLOW)).describe('Any other workflow_name is refused with 403'),
  security_note: z.string(),
  agents: z.array(z.enum(STRATEGY_AGENTS)).describe('The nine agents strategy_workflow runs'),
  fields: z
    .strictObject({
      workflow_name: z.string(),
      session_id: z.string(),
      client_name: z.string(),
      preferences: z.string(),
      triggered_by: z.string(),
      metadata: z.string(),
    })
    .describe('Each field of the request body, in words'),
  headers: z
    .strictObject({ 'Idempotency-Key': z.string(), Authorization: z.string().describe('Whether an API key is required here') })
    .describe('The request headers this endpoint reads, in words'),
  example: triggerInputSchema.describe('A request body that is accepted'),
  opal_mode: opalModeSchema,
  circuit_state: circuitStateSchema,
});
export type TriggerDescription = z.infer<typeof triggerDescriptionSchema>;

/** `POST /api/opal/sync` (runbook section 1), without `success`. */
export const forceSyncAnswerSchema = z.strictObject({
  sync_id: syncId,
  correlation_id: answerCorrelationId,
  message: z.string(),
  sync_details: z.strictObject({
    sync_scope: z.enum(SYNC_SCOPES),
    internal_workflow: z.strictObject({
      enabled: z.literal(true),
      workflow_id: z.string().describe('The same as sync_id (the runbook\'s "internal workflow")'),
    }),
    external_opal: z.strictObject({
      triggered: z.literal(true),
      workflow_id: opalWorkflowId,
      session_id: z.string().nullable().describe("Opal's session for this run, when it gave one"),
      ai_agents_count: count.describe('The agents strategy_workflow runs (9)'),
      mode: opalModeSchema,
    }),
  }),
  polling_url: pollingUrl,
});
export type ForceSyncAnswer = z.infer<typeof forceSyncAnswerSchema>;

/** `POST /api/orchestrations/trigger` (runbook section 2), without `success`. */
export const triggerAnswerSchema = z.strictObject({
  sync_id: syncId,
  workflow_id: opalWorkflowId,
  workflow_name: z.literal(STRATEGY_WORKFLOW),
  session_id: z.string().nullable().describe("The client's own session_id, echoed"),
  opal_session_id: z.string().nullable().describe("Opal's session for this run, when it gave one"),
  correlation_id: answerCorrelationId,
  status: z.literal('triggered'),
  polling_url: pollingUrl,
});
export type TriggerAnswer = z.infer<typeof triggerAnswerSchema>;

export const OPAL_CALL_OUTCOMES = [
  'started',
  'connect_failed',
  'rate_limited',
  'unavailable',
  'timeout_after_send',
  'server_error',
  'refused',
  'bad_response',
  'circuit_open',
  'error',
] as const;
export type OpalCallOutcome = (typeof OPAL_CALL_OUTCOMES)[number];

export const SYNC_STATUSES = ['pending', 'failed', 'waiting_for_callbacks', ...WORKFLOW_STATUSES] as const;

/** `GET /api/opal/sync/{sync_id}`: the request, what Opal answered, and the workflow as its callbacks tell it. */
export const syncStatusSchema = z.strictObject({
  sync_id: syncId,
  kind: z.enum(SYNC_KINDS).describe('force_sync: POST /api/opal/sync; trigger: POST /api/orchestrations/trigger'),
  correlation_id: z.string().describe('Of the request that started it'),
  status: z
    .enum(SYNC_STATUSES)
    .describe("pending: Opal is being called; failed: Opal refused or could not be reached; else the workflow's state, waiting_for_callbacks before the first"),
  requested_at: instant,
  sync_scope: z.enum(SYNC_SCOPES).nullable().describe('Null for a trigger'),
  client_name: z.string().nullable(),
  session_id: z.string().nullable().describe("A trigger's client session_id"),
  opal: z.strictObject({
    mode: opalModeSchema,
    workflow_id: opalWorkflowId.nullable().describe('Null until Opal has started it, or when it failed to'),
    session_id: z.string().nullable(),
    outcome: z.enum(OPAL_CALL_OUTCOMES).nullable().describe('How the call to Opal ended; null while it runs'),
    attempts: count.nullable(),
    latency_ms: count.nullable().describe('The call to Opal, retries included'),
    error: z.string().nullable().describe('Why the call failed'),
  }),
  ...workflowTimelineShape,
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** `workflows.rerun` (the console): a new force sync with the original inputs of the one that started a workflow. */
export const rerunResultSchema = z.strictObject({
  sync_id: syncId,
  workflow_id: opalWorkflowId.describe('The new run Opal started'),
  rerun_of: z.string().describe('The workflow whose inputs were used again'),
});
export type RerunResult = z.infer<typeof rerunResultSchema>;
