import { REASON_LENGTH } from '@contracts/limits';
import { TextField } from './field';

/** The contract's rule (server/contracts/reason.ts): trimmed, 3 to 500 characters. */
export const isValidReason = (reason: string): boolean => {
  const n = reason.trim().length;
  return n >= REASON_LENGTH.min && n <= REASON_LENGTH.max;
};

/**
 * Why this replay or cleanup is run: required before the operator can
 * confirm, kept with the replay and in the audit log. The error shows once
 * something was typed (an empty field is the starting state, not a mistake).
 */
export function ReasonField({ value, onChange, disabled }: { value: string; onChange: (reason: string) => void; disabled?: boolean }) {
  const n = value.trim().length;
  const error = n > 0 && !isValidReason(value) ? `${REASON_LENGTH.min} to ${REASON_LENGTH.max} characters` : null;
  return (
    <TextField
      label="Reason (required)"
      required
      aria-required="true"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled}
      maxLength={REASON_LENGTH.max}
      placeholder="e.g. INC-42: projections lost in the failover"
      hint="Why: kept with the replay and in the audit log."
      error={error}
    />
  );
}
