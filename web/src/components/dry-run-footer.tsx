import type { ReactNode } from 'react';
import { Button } from './button';

/**
 * The footer of a dry-run-then-confirm dialog (replay of an event, a
 * workflow, or in bulk): Cancel plus the dialog's own actions until the run
 * is done, then only Done.
 */
export function DryRunFooter({ done, onClose, children }: { done: boolean; onClose: () => void; children: ReactNode }) {
  if (done) {
    return (
      <Button variant="primary" onClick={onClose}>
        Done
      </Button>
    );
  }
  return (
    <>
      <Button onClick={onClose}>Cancel</Button>
      {children}
    </>
  );
}
