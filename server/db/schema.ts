import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The append-only log of every accepted callback: the source of truth.
 * `processing_status` says whether this system handled the event; `outcome`
 * says what the event reports. They are kept apart on purpose (DESIGN.md).
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey(),
    // Arrival order: breaks ties between equal offsets and drives the worker.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    dedupKey: text('dedup_key').notNull(),
    workflowId: text('workflow_id').notNull(),
    eventType: text('event_type').notNull(),
    agentId: text('agent_id'),
    eventOffset: integer('event_offset'),
    sourceEventId: text('source_event_id'),
    payload: jsonb('payload').notNull(),
    payloadSize: integer('payload_size').notNull(),
    signatureScheme: text('signature_scheme').notNull(),
    eventTimestamp: tz('event_timestamp'),
    receivedAt: tz('received_at').notNull(),
    processedAt: tz('processed_at'),
    processingMs: integer('processing_ms'),
    processingStatus: text('processing_status').notNull().default('pending'),
    processingError: text('processing_error'),
    outcome: text('outcome').notNull(),
    outcomeError: text('outcome_error'),
    knownAgent: boolean('known_agent').notNull().default(true),
    correlationId: text('correlation_id').notNull(),
    sourceIp: text('source_ip'),
  },
  (t) => [
    uniqueIndex('webhook_events_dedup_key_uq').on(t.dedupKey),
    uniqueIndex('webhook_events_seq_uq').on(t.seq),
    index('webhook_events_workflow_idx').on(t.workflowId, t.eventOffset, t.seq),
    index('webhook_events_received_idx').on(t.receivedAt),
    index('webhook_events_pending_idx').on(t.seq).where(sql`processing_status = 'pending'`),
    // Diagnostics: the failed-events page (either kind of failure), newest first.
    index('webhook_events_failed_idx')
      .on(t.receivedAt)
      .where(sql`processing_status = 'failed' or outcome = 'failure'`),
    index('webhook_events_agent_idx').on(t.agentId, t.receivedAt),
    index('webhook_events_type_idx').on(t.eventType, t.receivedAt),
    // Payload search by JSON containment (`q`).
    index('webhook_events_payload_gin').using('gin', sql`${t.payload} jsonb_path_ops`),
  ],
);

/**
 * Copies of a stored event that arrived after it (an OSA 409, a Standard
 * Webhooks duplicate, an Opal tool call repeated), counted per minute of
 * their arrival. Kept beside the log, not in its rows: a copy never rewrites
 * an event row (whose payload is GIN-indexed), and the duplicate rate per
 * hour is by when the copies came, not when the original did.
 */
export const webhookEventDuplicates = pgTable(
  'webhook_event_duplicates',
  {
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    minute: tz('minute').notNull(),
    copies: integer('copies').notNull(),
    lastAt: tz('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.minute] }), index('webhook_event_duplicates_minute_idx').on(t.minute)],
);

/**
 * Refused deliveries. Never the unverified body: only its size and hash.
 * `occurrences` > 1 marks an aggregate row written when the per-minute cap
 * was reached, so a flood of refusals cannot become a flood of writes.
 */
export const webhookRejections = pgTable(
  'webhook_rejections',
  {
    id: uuid('id').primaryKey(),
    receivedAt: tz('received_at').notNull(),
    reason: text('reason').notNull(),
    detail: text('detail'),
    sourceIp: text('source_ip'),
    bodySize: integer('body_size'),
    bodySha256: text('body_sha256'),
    signatureScheme: text('signature_scheme'),
    correlationId: text('correlation_id'),
    occurrences: integer('occurrences').notNull().default(1),
  },
  (t) => [index('webhook_rejections_received_idx').on(t.receivedAt), index('webhook_rejections_reason_idx').on(t.reason, t.receivedAt)],
);

/** Projection: the fold of a workflow's processed events. */
export const workflows = pgTable(
  'workflows',
  {
    workflowId: text('workflow_id').primaryKey(),
    status: text('status').notNull(),
    startedAt: tz('started_at'),
    finishedAt: tz('finished_at'),
    firstEventAt: tz('first_event_at').notNull(),
    lastEventAt: tz('last_event_at').notNull(),
    eventCount: integer('event_count').notNull(),
    error: text('error'),
    unknownAgents: jsonb('unknown_agents').$type<string[]>().notNull().default([]),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [index('workflows_status_idx').on(t.status, t.lastEventAt), index('workflows_first_event_idx').on(t.firstEventAt)],
);

/** Projection: one row per agent of a workflow. */
export const agentRuns = pgTable(
  'agent_runs',
  {
    workflowId: text('workflow_id').notNull(),
    agentId: text('agent_id').notNull(),
    status: text('status').notNull(),
    knownAgent: boolean('known_agent').notNull(),
    startedAt: tz('started_at'),
    finishedAt: tz('finished_at'),
    error: text('error'),
    lastOffset: integer('last_offset'),
    updatedAt: tz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.agentId] })],
);

/**
 * Every force sync / trigger call: what was asked, by whom, and what Opal
 * answered. `input` keeps the validated request so a workflow can be re-run
 * with its original inputs.
 */
export const syncRequests = pgTable(
  'sync_requests',
  {
    syncId: uuid('sync_id').primaryKey(),
    kind: text('kind').notNull(),
    correlationId: text('correlation_id').notNull(),
    idempotencyKey: text('idempotency_key'),
    caller: text('caller').notNull(),
    syncScope: text('sync_scope'),
    clientName: text('client_name'),
    clientSessionId: text('client_session_id'),
    triggeredBy: text('triggered_by'),
    input: jsonb('input').notNull(),
    status: text('status').notNull(),
    opalWorkflowId: text('opal_workflow_id'),
    opalSessionId: text('opal_session_id'),
    opalMode: text('opal_mode').notNull(),
    opalOutcome: text('opal_outcome'),
    opalAttempts: integer('opal_attempts'),
    opalLatencyMs: integer('opal_latency_ms'),
    /** A refused or failed call's domain error kind (each transport maps it to its own status). */
    errorKind: text('error_kind'),
    durationMs: integer('duration_ms'),
    error: text('error'),
    createdAt: tz('created_at').notNull(),
    finishedAt: tz('finished_at'),
  },
  (t) => [
    index('sync_requests_created_idx').on(t.createdAt),
    index('sync_requests_workflow_idx').on(t.opalWorkflowId),
  ],
);

/**
 * Idempotency-Key records, scoped to the caller. `in_flight` while the first
 * request runs; then its answer, replayed for 24 hours. 5xx answers are not
 * kept, so a retry after a failure really retries.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    route: text('route').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state').notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: tz('created_at').notNull(),
    completedAt: tz('completed_at'),
  },
  (t) => [primaryKey({ columns: [t.scope, t.route, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

/** Who did what: logins, authentication failures, replays, cleanups, configuration checks. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    at: tz('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome').notNull(),
    details: jsonb('details'),
    sourceIp: text('source_ip'),
    correlationId: text('correlation_id'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_action_idx').on(t.action, t.at)],
);

/**
 * Alerts: one row per firing, resolved in place. At most one firing row per
 * rule (partial unique index), so two processes evaluating at once cannot
 * fire the same alert twice.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey(),
    rule: text('rule').notNull(),
    severity: text('severity').notNull(),
    status: text('status').notNull(),
    message: text('message').notNull(),
    value: doublePrecision('value'),
    threshold: doublePrecision('threshold'),
    details: jsonb('details'),
    firedAt: tz('fired_at').notNull(),
    resolvedAt: tz('resolved_at'),
    lastEvaluatedAt: tz('last_evaluated_at').notNull(),
    firingNotifiedAt: tz('firing_notified_at'),
    resolvedNotifiedAt: tz('resolved_notified_at'),
    /** Who said "I have this", when, and what they noted (a firing alert; kept once it resolves). */
    acknowledgedAt: tz('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgeNote: text('acknowledge_note'),
    /** The silence that swallowed this alert's firing / recovery notification (its claim column is still set: handled). */
    firingSuppressedBy: uuid('firing_suppressed_by'),
    resolvedSuppressedBy: uuid('resolved_suppressed_by'),
  },
  (t) => [
    uniqueIndex('alerts_one_firing_per_rule_uq').on(t.rule).where(sql`status = 'firing'`),
    index('alerts_fired_idx').on(t.firedAt),
  ],
);

/**
 * Silences: a rule that notifies nobody until `ends_at` (or until lifted),
 * while it keeps evaluating and storing its history. At most one open
 * silence per rule; `ended_at` is set once, by whoever records its end
 * (lifted, or expired), which is the claim for that transition.
 */
export const alertSilences = pgTable(
  'alert_silences',
  {
    id: uuid('id').primaryKey(),
    rule: text('rule').notNull(),
    reason: text('reason').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: tz('created_at').notNull(),
    endsAt: tz('ends_at').notNull(),
    liftedAt: tz('lifted_at'),
    liftedBy: text('lifted_by'),
    endedAt: tz('ended_at'),
  },
  (t) => [uniqueIndex('alert_silences_one_open_per_rule_uq').on(t.rule).where(sql`ended_at is null`), index('alert_silences_created_idx').on(t.createdAt)],
);

/**
 * An alert's history: every transition (fired, acknowledged, silenced,
 * silence lifted or expired, resolved), with who and why. A notice that
 * ALERT_WEBHOOK_URL should hear of is `notify_state = 'due'` until a
 * delivery claims it ('sending') and posts it ('sent').
 */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: uuid('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    alertId: uuid('alert_id'),
    rule: text('rule').notNull(),
    silenceId: uuid('silence_id'),
    kind: text('kind').notNull(),
    actor: text('actor').notNull(),
    note: text('note'),
    details: jsonb('details'),
    at: tz('at').notNull(),
    notifyState: text('notify_state').notNull().default('none'),
    notifiedAt: tz('notified_at'),
  },
  (t) => [
    index('alert_events_alert_idx').on(t.alertId, t.seq),
    index('alert_events_rule_idx').on(t.rule, t.seq),
    index('alert_events_due_idx').on(t.seq).where(sql`notify_state = 'due'`),
  ],
);

/** Replays of stored events (runbook section 5): what was asked, by whom, and what happened. */
export const replays = pgTable(
  'replays',
  {
    replayId: uuid('replay_id').primaryKey(),
    requestedBy: text('requested_by').notNull(),
    kind: text('kind').notNull(),
    workflowId: text('workflow_id'),
    filter: jsonb('filter'),
    dryRun: boolean('dry_run').notNull(),
    status: text('status').notNull(),
    summary: jsonb('summary'),
    /** Why it was asked for (null: before reasons were recorded, or a dry run given none). */
    reason: text('reason'),
    createdAt: tz('created_at').notNull(),
    finishedAt: tz('finished_at'),
  },
  (t) => [index('replays_created_idx').on(t.createdAt)],
);

/**
 * A bulk replay's job (its id is the `replays` row's): the selection fixed
 * when it was asked for (`plan`: workflows in sorted order, each with its
 * event ids), how far it got (`cursor`: workflows done, one batch each), and
 * who runs it. A process claims a job with a lease (`locked_by`,
 * `locked_until`) and renews it every batch; a crashed runner's job is taken
 * over from its cursor once the lease ends.
 */
export const replayJobs = pgTable(
  'replay_jobs',
  {
    jobId: uuid('job_id').primaryKey(),
    /** queued, running, cancelled, completed, failed. */
    state: text('state').notNull(),
    plan: jsonb('plan').notNull(),
    /** The processing states an event must still be in to be re-run (null: any). */
    onlyIfStatusIn: jsonb('only_if_status_in'),
    cursor: integer('cursor').notNull().default(0),
    workflowsTotal: integer('workflows_total').notNull(),
    matched: integer('matched').notNull(),
    selected: integer('selected').notNull(),
    overCap: integer('over_cap').notNull(),
    done: integer('done').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    /** The first workflows that failed again: [{workflow_id, failed_events, error}]. */
    failures: jsonb('failures').notNull().default([]),
    unknownEventIds: jsonb('unknown_event_ids').notNull().default([]),
    error: text('error'),
    cancelRequestedAt: tz('cancel_requested_at'),
    cancelRequestedBy: text('cancel_requested_by'),
    lockedBy: text('locked_by'),
    lockedUntil: tz('locked_until'),
    createdAt: tz('created_at').notNull(),
    startedAt: tz('started_at'),
    finishedAt: tz('finished_at'),
  },
  (t) => [index('replay_jobs_state_idx').on(t.state, t.createdAt)],
);

/**
 * Hourly aggregates of the event log and refusals, so that 24 h and 7 day
 * figures do not scan a million rows. `histogram` is sparse: bucket index →
 * count, on log-spaced latency buckets (see domain/metrics).
 */
export const hourlyRollups = pgTable(
  'hourly_rollups',
  {
    hour: tz('hour').notNull(),
    series: text('series').notNull(),
    dimension: text('dimension').notNull(),
    total: integer('total').notNull(),
    failures: integer('failures').notNull(),
    sumMs: doublePrecision('sum_ms').notNull(),
    histogram: jsonb('histogram').$type<Record<string, number>>().notNull(),
    computedAt: tz('computed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.series, t.dimension] })],
);

/** HTTP requests per minute, route and status: counted in memory, added here every few seconds. */
export const httpRequestRollups = pgTable(
  'http_request_rollups',
  {
    minute: tz('minute').notNull(),
    route: text('route').notNull(),
    status: integer('status').notNull(),
    count: integer('count').notNull(),
    sumMs: doublePrecision('sum_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.minute, t.route, t.status] })],
);

/**
 * Background jobs that must run once per cluster (alert evaluation,
 * retention, rollups): a process claims a job's next run with one
 * conditional UPDATE, so of several processes exactly one wins each period.
 */
export const jobRuns = pgTable('job_runs', {
  job: text('job').primaryKey(),
  lastStartedAt: tz('last_started_at'),
  lastFinishedAt: tz('last_finished_at'),
  lockedUntil: tz('locked_until'),
  lockedBy: text('locked_by'),
  lastResult: jsonb('last_result'),
  lastError: text('last_error'),
});

/** Console users. Passwords are scrypt hashes; the first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: tz('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('users_email_uq').on(sql`lower(${t.email})`)],
);

/**
 * Console sessions, in the database so that several server processes share
 * them. Only a SHA-256 of the session token is stored.
 */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id').notNull(),
    createdAt: tz('created_at').notNull(),
    expiresAt: tz('expires_at').notNull(),
    lastSeenAt: tz('last_seen_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Rate-limit counters shared by every process (the login limiter): one row
 * per limiter (`prefix`) and client key, a fixed window that one atomic
 * upsert counts and restarts (domain/rate-limits). Keys are stored as the
 * limiter made them (an address, an IPv6 /56); rows past `reset_at` are
 * deleted by a cluster job.
 */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    prefix: text('prefix').notNull(),
    key: text('key').notNull(),
    hits: integer('hits').notNull(),
    resetAt: tz('reset_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.prefix, t.key] }), index('rate_limit_hits_reset_idx').on(t.resetAt)],
);
