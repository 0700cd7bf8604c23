import { z } from 'zod';
import { isoDateTimeText } from './instant';
import { reasonSchema } from './reason';
import { BULK_REPLAY_MAX_EVENT_IDS, BULK_REPLAY_MAX_EVENTS, REPLAY_MAX_EVENTS } from './limits';
import { EVENT_TYPES, OUTCOMES, PROCESSING_STATUSES } from './webhook-event';

/**
 * Replay of stored events (runbook section 5): `POST /api/orchestrations/replay`
 * for one workflow, `POST /api/orchestrations/replay/bulk` by filter, and the
 * history the console lists. Inputs refuse unknown fields, naming them.
 */

const identifier = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const offset = z.int('must be an integer').min(0, 'must be non-negative').max(2_147_483_647);
const dateTime = isoDateTimeText();

export const replayOptionsSchema = z.strictObject({
  /** Re-run every event from the offset, also those already processed. */
  force_reprocess: z.boolean().default(false),
  /**
   * Skip an event that repeats an earlier-arrived event of the same workflow
   * with the same event_type, agent_id and offset (a semantic duplicate
   * stored under another dedup key). Events without an offset are never
   * judged duplicates.
   */
  skip_duplicates: z.boolean().default(false),
  /** How many events are re-run at most; the rest are reported skipped (`over_max_events`). */
  max_events: z
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(REPLAY_MAX_EVENTS.max, `must be at most ${REPLAY_MAX_EVENTS.max}`)
    .default(REPLAY_MAX_EVENTS.default),
});
export type ReplayOptions = z.infer<typeof replayOptionsSchema>;

/** A real run needs a reason; a dry run changes nothing, so it may go without. */
const reasonUnlessDryRun: [(v: { dry_run: boolean; reason?: string | undefined }) => boolean, { path: string[]; message: string }] = [
  (v) => v.dry_run || v.reason !== undefined,
  { path: ['reason'], message: 'is required: say why this replay is run' },
];

/**
 * `POST /api/orchestrations/replay`: `workflow_id` is Opal's workflow id or
 * the `sync_id` that started it. The REST body: `reason` may be absent
 * there, since the route fills in development's "none given" or refuses in
 * production.
 */
export const replayWorkflowBodySchema = z.strictObject({
  workflow_id: identifier,
  from_offset: offset.default(0),
  dry_run: z.boolean().default(false),
  replay_options: replayOptionsSchema.prefault({}),
  reason: reasonSchema.optional(),
});
/** The same, with the reason required for a real run (tRPC, the console). */
export const replayWorkflowInputSchema = replayWorkflowBodySchema.refine(...reasonUnlessDryRun);
export type ReplayWorkflowInput = z.infer<typeof replayWorkflowBodySchema>;
export type ReplayWorkflowRequest = z.input<typeof replayWorkflowInputSchema>;

/**
 * Which events a bulk replay selects by their processing state. `failed`
 * (the default) is processing failures only: an event that *reports* a
 * failure (its outcome) is not one, since replay never changes an outcome.
 * `unprocessed` adds events still pending; `any` selects regardless of state.
 */
export const BULK_REPLAY_STATUSES = ['failed', 'unprocessed', 'any'] as const;
export type BulkReplayStatus = (typeof BULK_REPLAY_STATUSES)[number];

export const bulkReplayFilterSchema = z
  .strictObject({
    status: z.enum(BULK_REPLAY_STATUSES).default('failed'),
    /** Over `received_at`, inclusive. */
    start_date: dateTime.optional(),
    end_date: dateTime.optional(),
    event_type: z.enum(EVENT_TYPES).optional(),
    agent_id: identifier.optional(),
    event_ids: z
      .array(z.uuid('must be an event id (a UUID)'))
      .min(1, 'must name at least one event')
      .max(BULK_REPLAY_MAX_EVENT_IDS, `at most ${BULK_REPLAY_MAX_EVENT_IDS} event ids`)
      .optional(),
  })
  .refine((f) => !f.start_date || !f.end_date || Date.parse(f.start_date) <= Date.parse(f.end_date), {
    path: ['end_date'],
    message: 'must not be before start_date',
  });
export type BulkReplayFilter = z.infer<typeof bulkReplayFilterSchema>;

/** `POST /api/orchestrations/replay/bulk` (the REST body: see replayWorkflowBodySchema on `reason`). */
export const bulkReplayBodySchema = z.strictObject({
  filter: bulkReplayFilterSchema.prefault({}),
  dry_run: z.boolean().default(false),
  max_events: z
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(BULK_REPLAY_MAX_EVENTS.max, `must be at most ${BULK_REPLAY_MAX_EVENTS.max}`)
    .default(BULK_REPLAY_MAX_EVENTS.default),
  reason: reasonSchema.optional(),
});
export const bulkReplayInputSchema = bulkReplayBodySchema.refine(...reasonUnlessDryRun);
export type BulkReplayInput = z.infer<typeof bulkReplayBodySchema>;
export type BulkReplayRequest = z.input<typeof bulkReplayInputSchema>;

/** `GET /api/orchestrations/replay/bulk/{job_id}` and its cancel. */
export const bulkReplayJobIdSchema = z.strictObject({ job_id: z.uuid('must be a job id (a UUID)') });
export type BulkReplayJobId = z.infer<typeof bulkReplayJobIdSchema>;

export const listReplaysInputSchema = z.strictObject({
  // Coerced: it arrives as query-string text over REST.
  limit: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
});
export type ListReplaysInput = z.infer<typeof listReplaysInputSchema>;

// ---- answers ----

export const REPLAY_STATUSES = ['dry_run', 'running', 'completed', 'completed_with_failures', 'failed', 'cancelled'] as const;
export type ReplayStatus = (typeof REPLAY_STATUSES)[number];

export const SKIP_REASONS = ['already_processed', 'duplicate', 'over_max_events', 'no_longer_matching'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const processingSummarySchema = z.object({
  successful_events: z.number(),
  failed_events: z.number(),
  skipped_events: z.number(),
  processing_time_ms: z.number(),
});
export type ProcessingSummary = z.infer<typeof processingSummarySchema>;

export const REPLAY_PROBLEM_KINDS = ['offset_gap', 'unknown_agent', 'missing_offset'] as const;
export const replayProblemSchema = z.object({
  kind: z.enum(REPLAY_PROBLEM_KINDS),
  message: z.string(),
  /** offset_gap: the missing offsets, inclusive. */
  from_offset: z.number().optional(),
  to_offset: z.number().optional(),
  /** unknown_agent. */
  agent_id: z.string().optional(),
  /** unknown_agent, missing_offset: how many events. */
  event_count: z.number().optional(),
});
export type ReplayProblem = z.infer<typeof replayProblemSchema>;

export const replayEventEntrySchema = z.object({
  event_id: z.string(),
  offset: z.number().nullable(),
  event_type: z.string(),
  agent_id: z.string().nullable(),
  /** Before the replay. */
  processing_status: z.enum(PROCESSING_STATUSES),
  outcome: z.enum(OUTCOMES),
  action: z.enum(['rerun', 'skip']),
  skip_reason: z.enum(SKIP_REASONS).nullable(),
  /** skip_reason duplicate: the earlier event this one repeats. */
  duplicate_of: z.string().nullable(),
  /** A real run: what happened to it. Null in a dry run. */
  result: z.enum(['processed', 'failed', 'skipped']).nullable(),
  error: z.string().nullable(),
});
export type ReplayEventEntry = z.infer<typeof replayEventEntrySchema>;

const skipCountsSchema = z.object({
  already_processed: z.number(),
  duplicate: z.number(),
  over_max_events: z.number(),
  no_longer_matching: z.number(),
});

export const replayWorkflowResultSchema = z.object({
  replay_id: z.string(),
  kind: z.literal('workflow'),
  status: z.enum(REPLAY_STATUSES),
  dry_run: z.boolean(),
  workflow_id: z.string(),
  /** What `workflow_id` in the request named. */
  resolved_from: z.enum(['workflow_id', 'sync_id']),
  sync_id: z.string().nullable(),
  from_offset: z.number(),
  replay_options: replayOptionsSchema,
  events_found: z.number(),
  events_to_rerun: z.number(),
  events_to_skip: z.number(),
  skip_reasons: skipCountsSchema,
  problems: z.array(replayProblemSchema),
  events: z.array(replayEventEntrySchema),
  events_truncated: z.boolean(),
  processing_summary: processingSummarySchema,
  /** The projection after the replay (the current one for a dry run). */
  workflow: z.object({ status: z.string(), event_count: z.number(), error: z.string().nullable() }).nullable(),
});
export type ReplayWorkflowResult = z.infer<typeof replayWorkflowResultSchema>;

export const bulkReplaySampleSchema = z.object({
  event_id: z.string(),
  workflow_id: z.string(),
  event_type: z.string(),
  agent_id: z.string().nullable(),
  offset: z.number().nullable(),
  received_at: z.string(),
  processing_status: z.enum(PROCESSING_STATUSES),
  processing_error: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
});

export const bulkReplayResultSchema = z.object({
  replay_id: z.string(),
  kind: z.literal('bulk'),
  status: z.enum(REPLAY_STATUSES),
  dry_run: z.boolean(),
  filter: bulkReplayFilterSchema,
  max_events: z.number(),
  /** Every stored event the filter matches. */
  events_matched: z.number(),
  /** The oldest `max_events` of them: what is (or would be) re-run. */
  events_selected: z.number(),
  events_over_cap: z.number(),
  workflows_affected: z.number(),
  /** Requested event ids that are not stored at all. */
  unknown_event_ids: z.array(z.string()),
  sample: z.array(bulkReplaySampleSchema),
  /** A real run: per workflow, each rebuilt once (the first 200). */
  workflows: z.array(
    z.object({
      workflow_id: z.string(),
      successful_events: z.number(),
      failed_events: z.number(),
      skipped_events: z.number(),
      error: z.string().nullable(),
    }),
  ),
  skip_reasons: skipCountsSchema,
  processing_summary: processingSummarySchema,
});
export type BulkReplayResult = z.infer<typeof bulkReplayResultSchema>;

/**
 * A bulk replay's job: queued until a process claims it, running batch by
 * batch (one workflow per batch, each its own transaction), then completed,
 * failed or cancelled (between batches).
 */
export const BULK_REPLAY_JOB_STATES = ['queued', 'running', 'cancelled', 'completed', 'failed'] as const;
export type BulkReplayJobState = (typeof BULK_REPLAY_JOB_STATES)[number];

export const bulkReplayJobSchema = z.object({
  job_id: z.string().describe('Also the replay_id in the replay history'),
  state: z.enum(BULK_REPLAY_JOB_STATES),
  requested_by: z.string(),
  reason: z.string().nullable(),
  filter: z.record(z.string(), z.unknown()),
  /** Every stored event the filter matched when the job was asked for. */
  matched: z.number(),
  /** The oldest max_events of them: the job's fixed selection. */
  selected: z.number(),
  over_cap: z.number(),
  /** Re-run successfully so far. */
  done: z.number(),
  failed: z.number(),
  /** No longer in a selected state once locked (the projection worker got there first). */
  skipped: z.number(),
  workflows_total: z.number(),
  /** Batches done: one workflow each. */
  workflows_done: z.number(),
  unknown_event_ids: z.array(z.string()),
  /** The first 200 workflows that failed again. */
  failures: z.array(z.object({ workflow_id: z.string(), failed_events: z.number(), error: z.string().nullable() })),
  error: z.string().nullable(),
  cancel_requested_at: z.string().nullable(),
  cancel_requested_by: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  status_url: z.url().describe('GET it to follow the job: GET /api/orchestrations/replay/bulk/{job_id}'),
});
export type BulkReplayJob = z.infer<typeof bulkReplayJobSchema>;

/** A real bulk replay's answer (202): the job, queued. */
export const bulkReplayAcceptedSchema = z.object({
  job_id: z.string(),
  status_url: z.url(),
  job: bulkReplayJobSchema,
});
export type BulkReplayAccepted = z.infer<typeof bulkReplayAcceptedSchema>;

/** What the `replays` table keeps as a replay's summary. */
export const storedReplaySummarySchema = z.object({
  events_found: z.number(),
  events_to_rerun: z.number(),
  problem_count: z.number().optional(),
  workflows_affected: z.number().optional(),
  /** A bulk job: workflows (batches) done, fewer than workflows_affected when it was cancelled. */
  workflows_done: z.number().optional(),
  processing_summary: processingSummarySchema,
  error: z.string().optional(),
});
export type StoredReplaySummary = z.infer<typeof storedReplaySummarySchema>;

export const replayListItemSchema = z.object({
  replay_id: z.string(),
  kind: z.enum(['workflow', 'bulk']),
  requested_by: z.string(),
  workflow_id: z.string().nullable(),
  filter: z.record(z.string(), z.unknown()).nullable(),
  dry_run: z.boolean(),
  status: z.enum(REPLAY_STATUSES),
  summary: storedReplaySummarySchema.nullable(),
  /** Why (null: a dry run given none, or a replay from before reasons were recorded). */
  reason: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type ReplayListItem = z.infer<typeof replayListItemSchema>;

export const listReplaysResultSchema = z.object({ replays: z.array(replayListItemSchema) });
export type ListReplaysResult = z.infer<typeof listReplaysResultSchema>;
