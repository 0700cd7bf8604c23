import { z } from 'zod';

export const WORKFLOW_STATUS_FILTER = ['running', 'completed', 'failed', 'timed_out', 'all'] as const;

export const listWorkflowsInputSchema = z.strictObject({
  status: z.enum(WORKFLOW_STATUS_FILTER).default('all'),
  /** Part of a workflow id. */
  search: z.string().trim().max(200).optional(),
  limit: z.int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListWorkflowsInput = z.input<typeof listWorkflowsInputSchema>;

export const workflowIdInputSchema = z.strictObject({ workflowId: z.string().trim().min(1).max(200) });
export const eventIdInputSchema = z.strictObject({ eventId: z.uuid() });
