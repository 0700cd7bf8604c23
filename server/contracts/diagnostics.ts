import { z } from 'zod';
import { ISO_DATE_TIME, isStorableDate, isoDateTimeText } from './instant';
import { MAX_RETENTION_DAYS } from './limits';
import { reasonSchema } from './reason';
import { EVENT_TYPES, SIGNATURE_SCHEMES } from './webhook-event';

/**
 * Diagnostics (`/api/diagnostics/last-webhook`, runbook section 4) and the
 * retention cleanup. REST sends the query as text, tRPC as typed values:
 * both parse here.
 */

export const DIAGNOSTICS_STATUSES = ['success', 'failed', 'all'] as const;
export type DiagnosticsStatus = (typeof DIAGNOSTICS_STATUSES)[number];

export const DIAGNOSTICS_ACTIONS = ['test_configuration', 'cleanup_old_events'] as const;
export type DiagnosticsAction = (typeof DIAGNOSTICS_ACTIONS)[number];

export const MAX_PAGE_SIZE = 500;
const MAX_Q_CHARS = 4_000;

// Control characters (NUL above all) cannot reach PostgreSQL text; refusing them here keeps a 400 a 400.
const CONTROL = /[\u0000-\u001f\u007f]/;
const identifier = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((s) => !CONTROL.test(s), 'must not contain control characters');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** ISO 8601: a date (`2024-01-15`, midnight UTC) or a date-time with `Z` or an offset. */
const isoInstant = z
  .union([z.string(), z.date()])
  .transform((v, c) => {
    if (v instanceof Date) {
      if (isStorableDate(v)) return v;
    } else if (ISO_DATE.test(v) || ISO_DATE_TIME.test(v)) {
      const d = new Date(ISO_DATE.test(v) ? `${v}T00:00:00Z` : v);
      // `2024-02-30` parses in some engines; the round trip catches it.
      if (isStorableDate(d) && (!ISO_DATE.test(v) || d.toISOString().startsWith(v))) return d;
    }
    c.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or date-time with a time zone, e.g. 2024-01-15T00:00:00Z' });
    return z.NEVER;
  });

/** `q`: a JSON object matched by containment (`payload @> q`); text from REST, an object from tRPC. */
const payloadQuery = z.union([z.string(), z.record(z.string(), z.unknown())]).transform((v, c) => {
  let value: unknown = v;
  if (typeof v === 'string') {
    if (v.length > MAX_Q_CHARS) {
      c.addIssue({ code: 'custom', message: `must be at most ${MAX_Q_CHARS} characters` });
      return z.NEVER;
    }
    try {
      value = JSON.parse(v);
    } catch {
      c.addIssue({ code: 'custom', message: 'must be JSON text, e.g. {"agent_data":{"score":3}}' });
      return z.NEVER;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    c.addIssue({ code: 'custom', message: 'must be a JSON object, e.g. {"agent_data":{"score":3}}' });
    return z.NEVER;
  }
  return value as Record<string, unknown>;
});

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A position in the newest-first event list: the last row's arrival time (to the microsecond) and id. */
export interface EventCursor {
  receivedAt: string;
  id: string;
}

// base64url by hand (btoa/atob): the console imports this file too, and a cursor is ASCII.
export const encodeEventCursor = (c: EventCursor): string =>
  btoa(`${c.receivedAt}|${c.id}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export function decodeEventCursor(text: string): EventCursor | null {
  if (text.length > 200 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let plain: string;
  try {
    plain = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return null;
  }
  const [receivedAt, id, ...rest] = plain.split('|');
  if (rest.length > 0 || !receivedAt || !id || !CURSOR_TIME.test(receivedAt) || !UUID.test(id)) return null;
  if (Number.isNaN(Date.parse(receivedAt)) || receivedAt.startsWith('0000')) return null;
  return { receivedAt, id: id.toLowerCase() };
}

const cursor = z.string().transform((v, c) => {
  const decoded = decodeEventCursor(v);
  if (!decoded) {
    c.addIssue({ code: 'custom', message: 'is not a cursor this endpoint issued (take next_cursor from the previous page)' });
    return z.NEVER;
  }
  return decoded;
});

/** A whole number, given as a number (tRPC) or as text (a query string). */
const wholeNumber = (min: number, max: number) =>
  z.union([z.number(), z.string()]).transform((v, c) => {
    const n = typeof v === 'number' ? v : /^\s*-?\d{1,12}\s*$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n)) {
      c.addIssue({ code: 'custom', message: 'must be a whole number' });
      return z.NEVER;
    }
    if (n < min || n > max) {
      c.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
      return z.NEVER;
    }
    return n;
  });

/** `GET /api/diagnostics/last-webhook`. Unknown parameters are refused, so a typo never silently widens a search. */
export const lastWebhookQuerySchema = z
  .strictObject({
    limit: wholeNumber(1, MAX_PAGE_SIZE).default(25),
    status: z.enum(DIAGNOSTICS_STATUSES, `must be one of: ${DIAGNOSTICS_STATUSES.join(', ')}`).default('all'),
    start_date: isoInstant.optional(),
    end_date: isoInstant.optional(),
    workflow_id: identifier.optional(),
    agent_id: identifier.optional(),
    event_type: z.enum(EVENT_TYPES, `must be one of: ${EVENT_TYPES.join(', ')}`).optional(),
    q: payloadQuery.optional(),
    cursor: cursor.optional(),
  })
  .superRefine((v, c) => {
    if (v.start_date && v.end_date && v.start_date > v.end_date) {
      c.addIssue({ code: 'custom', path: ['end_date'], message: 'must not be before start_date' });
    }
  });
export type LastWebhookQueryInput = z.input<typeof lastWebhookQuerySchema>;
export type LastWebhookQuery = z.output<typeof lastWebhookQuerySchema>;

/** `POST /api/diagnostics/last-webhook`: the action is read first, so an unknown one is answered with the list. */
export const diagnosticsActionNameSchema = z.looseObject({
  action: z.enum(DIAGNOSTICS_ACTIONS, `must be one of: ${DIAGNOSTICS_ACTIONS.join(', ')}`),
});

export const testConfigurationInputSchema = z.strictObject({ action: z.literal('test_configuration') });
export type TestConfigurationInput = z.infer<typeof testConfigurationInputSchema>;

export const cleanupOldEventsInputSchema = z.strictObject({
  action: z.literal('cleanup_old_events'),
  // Absent: RETENTION_DAYS, the configured policy.
  retention_days: z
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS}`)
    .optional(),
  reason: reasonSchema.optional(),
});
export type CleanupOldEventsInput = z.infer<typeof cleanupOldEventsInputSchema>;

export const diagnosticsActionSchema = z.discriminatedUnion('action', [testConfigurationInputSchema, cleanupOldEventsInputSchema], {
  // An unknown or missing action is answered with the list.
  error: (issue) => (issue.code === 'invalid_union' ? `must be one of: ${DIAGNOSTICS_ACTIONS.join(', ')}` : undefined),
});
export type DiagnosticsActionInput = z.infer<typeof diagnosticsActionSchema>;

// ---- answers -------------------------------------------------------------

export const WEBHOOK_STATUSES = ['healthy', 'degraded', 'unhealthy', 'no_data'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export const diagnosticsEventSchema = z.object({
  id: z.string(),
  event_type: z.string(),
  workflow_id: z.string(),
  agent_id: z.string().nullable(),
  offset: z.number().nullable(),
  /** `failed` (either kind), `pending` (not processed yet) or `success`. */
  status: z.enum(['success', 'failed', 'pending']),
  processing_status: z.string(),
  outcome: z.string(),
  /** `processing` (ours), `reported` (Opal's), `both`, or null. */
  failure_kind: z.enum(['processing', 'reported', 'both']).nullable(),
  signature_scheme: z.string(),
  received_at: z.string(),
  processed_at: z.string().nullable(),
  processing_time_ms: z.number().nullable(),
  error_message: z.string().nullable(),
  payload_size: z.number(),
  correlation_id: z.string(),
  /** Copies that arrived after this event was stored (OSA 409s, Standard Webhooks duplicates): received 1 + this many times. */
  duplicate_count: z.number(),
  last_duplicate_at: z.string().nullable(),
});
export type DiagnosticsEvent = z.infer<typeof diagnosticsEventSchema>;

export const systemHealthSchema = z.object({
  webhook_status: z.enum(WEBHOOK_STATUSES),
  /** Percent of deliveries in the window that failed processing or were refused. */
  recent_failure_rate: z.number(),
  /** Milliseconds from arrival to processed; null without processed events. */
  avg_processing_time: z.number().nullable(),
  p50_processing_time: z.number().nullable(),
  p95_processing_time: z.number().nullable(),
  p99_processing_time: z.number().nullable(),
  window: z.object({
    from: z.string(),
    to: z.string(),
    basis: z.enum(['last_hour', 'requested_range']),
    events_considered: z.number(),
    /** True when the window held more events than are read (the newest are). */
    sampled: z.boolean(),
  }),
  events: z.object({
    received: z.number(),
    processing_failures: z.number(),
    pending: z.number(),
    /** Failures Opal reported (agent outcomes): shown, not counted in the receiver's health. */
    reported_failures: z.number(),
  }),
  refused_deliveries: z.object({
    count: z.number(),
    by_reason: z.record(z.string(), z.number()),
    last_reason: z.string().nullable(),
    last_detail: z.string().nullable(),
    last_at: z.string().nullable(),
  }),
  thresholds: z.object({
    degraded_failure_rate: z.number(),
    unhealthy_failure_rate: z.number(),
    rule: z.string(),
  }),
  last_event_at: z.string().nullable(),
});
export type SystemHealth = z.infer<typeof systemHealthSchema>;

export const lastWebhookResultSchema = z.object({
  events: z.array(diagnosticsEventSchema),
  pagination: z.object({ limit: z.number(), next_cursor: z.string().nullable(), has_more: z.boolean() }),
  system_health: systemHealthSchema,
});
export type LastWebhookResult = z.infer<typeof lastWebhookResultSchema>;

export const configurationReportSchema = z.object({
  status: z.enum(['ok', 'warning', 'failed']),
  checks: z.array(
    z.object({ name: z.string(), status: z.enum(['ok', 'warning', 'failed']), message: z.string() }),
  ),
  database: z.object({ reachable: z.boolean(), driver: z.string(), latency_ms: z.number().nullable(), error: z.string().optional() }),
  opal: z.object({
    mode: z.enum(['live', 'simulator']),
    circuit: z.object({ state: z.string(), failures: z.number(), successes: z.number(), rejects: z.number(), openedAt: z.string().nullable() }),
  }),
});
export type ConfigurationReport = z.infer<typeof configurationReportSchema>;

export const cleanupResultSchema = z.object({
  deleted_events: z.number(),
  deleted_rejections: z.number(),
  /** Metric rollups past retention (at least 32 days) and expired Idempotency-Key records. */
  deleted_aggregates: z.number(),
  deleted_workflows: z.number(),
  /** Delete statements run, each bounded to CLEANUP_BATCH_SIZE rows. */
  batches: z.number(),
  retention_days: z.number(),
  cutoff: z.string(),
});
export type CleanupResult = z.infer<typeof cleanupResultSchema>;

/** The console's refused-deliveries tab. */
export const listRejectionsInputSchema = z.strictObject({
  reason: z.string().trim().max(64).optional(),
  start_date: isoDateTimeText().optional(),
  end_date: isoDateTimeText().optional(),
  limit: z.int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

/** Why a delivery was refused (the console's refused-deliveries tab, `refused_deliveries.by_reason`). */
export const REJECTION_REASONS = [
  'missing_signature',
  'malformed_signature',
  'invalid_signature',
  'stale_timestamp',
  'future_timestamp',
  'malformed_body',
  'invalid_event',
  'unsupported_media_type',
  'payload_too_large',
  'rate_limited',
  'unauthorized_tool_call',
] as const;
export type RejectionReasonName = (typeof REJECTION_REASONS)[number];

/** `diagnostics.rejections`: refused deliveries, newest first. Never a body: an unverified body is not stored. */
export const rejectionsPageSchema = z.strictObject({
  rejections: z.array(
    z.strictObject({
      id: z.uuid(),
      received_at: z.iso.datetime(),
      reason: z.enum(REJECTION_REASONS),
      detail: z.string().nullable().describe('What was wrong, in words'),
      source_ip: z.string().nullable(),
      body_size: z.int().nonnegative().nullable().describe('Bytes, when known'),
      body_sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable().describe('Hex SHA-256 of the refused body, to match it with a sender log'),
      signature_scheme: z.enum(SIGNATURE_SCHEMES).nullable().describe('The scheme the delivery claimed; null when none could be told'),
      correlation_id: z.string().nullable(),
      occurrences: z.int().min(1).describe('More than 1: an aggregate row for refusals over the per-minute cap'),
    }),
  ),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});
export type RejectionsPage = z.infer<typeof rejectionsPageSchema>;
