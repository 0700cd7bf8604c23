import { z } from 'zod';
import { REASON_LENGTH } from './limits';

export { REASON_LENGTH };

/**
 * Why an operator replays or cleans up: what the audit log must answer after
 * an incident. Trimmed; 3 to 500 characters.
 */
export const reasonSchema = z
  .string()
  .trim()
  .min(REASON_LENGTH.min, `must be at least ${REASON_LENGTH.min} characters`)
  .max(REASON_LENGTH.max, `must be at most ${REASON_LENGTH.max} characters`)
  .describe('Why: kept with the replay and in the audit log. Required in production; a development server records "none given" when absent.');

/** What a development server records when a REST caller (the runbook's curl) gives no reason. */
export const NO_REASON_GIVEN = 'none given';
