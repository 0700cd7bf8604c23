/**
 * The caps of the contracts that the console repeats (a form's maximum, a
 * hint, a page size). They live apart from the schemas, without zod, so that
 * a console screen can import a number without pulling the schemas and zod
 * into its first bundle; the schemas read them from here too.
 */

/** `replay_options.max_events` of a workflow replay. */
export const REPLAY_MAX_EVENTS = { default: 1_000, max: 10_000 } as const;
/** `max_events` of a bulk replay. */
export const BULK_REPLAY_MAX_EVENTS = { default: 500, max: 5_000 } as const;
/** `filter.event_ids` of a bulk replay. */
export const BULK_REPLAY_MAX_EVENT_IDS = 500;

/** `retention_days` of cleanup_old_events. */
export const MAX_RETENTION_DAYS = 36_500;

/** `limit` of the alert list. */
export const ALERTS_LIMIT = { default: 50, max: 200 } as const;
/** `limit` of the audit log. */
export const AUDIT_LOG_LIMIT = { default: 50, max: 200 } as const;

/** A console user's password, at creation. */
export const PASSWORD_MIN_CHARS = 12;

/** Each text field of a force sync's (and a trigger's) request. */
export const SYNC_TEXT_MAX_CHARS = 200;

/** Why a replay or cleanup is run (server/contracts/reason.ts): trimmed, this many characters. */
export const REASON_LENGTH = { min: 3, max: 500 } as const;
