import { z } from 'zod';
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
