/** The roles an API key or a console session holds (DESIGN.md "Access"). */
export const ROLES = ['client', 'viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The one role table: who may call what. Every domain verb names one of
 * these (or is public); REST, tRPC, the OpenAPI document and the
 * authorization tests all read the verb's, so they cannot disagree.
 */
export const ACCESS = {
  /** Force sync, trigger and polling: a client app's, and an operator's. */
  client: ['client', 'operator', 'admin'],
  /** Diagnostics, metrics, alerts, the console's reads. */
  read: ['viewer', 'operator', 'admin'],
  /** Replay, re-run, test_configuration. */
  operate: ['operator', 'admin'],
  /** cleanup_old_events, users, the audit log. */
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
