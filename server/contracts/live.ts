import { z } from 'zod';

/**
 * What the console can follow live. `events`: rows were appended to the
 * webhook log; `workflows`: projections changed (a workflow's detail, the
 * list); `overview`: the overview's figures moved (at most once a second);
 * `alerts`: an alert fired, resolved, was acknowledged or silenced;
 * `session`: someone signed out, so every stream re-checks its session.
 */
export const LIVE_KINDS = ['events', 'workflows', 'overview', 'alerts', 'session'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

export const watchChangesInputSchema = z.strictObject({
  kinds: z.array(z.enum(LIVE_KINDS)).min(1).max(LIVE_KINDS.length),
});
export type WatchChangesInput = z.input<typeof watchChangesInputSchema>;

/**
 * One notification: a kind and, at most, ids or a count. Never a row, never a
 * payload: a client refetches what it shows through the screens' own queries,
 * which check its role again. `ids` is absent when there were too many to
 * list ("something of this kind changed"). `resync` comes first on every
 * (re)connection: whatever happened while the stream was down is refetched.
 */
export type LiveChange =
  | { kind: LiveKind; ids?: string[]; count?: number }
  | { kind: 'resync' };
