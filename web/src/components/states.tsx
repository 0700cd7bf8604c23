import type { ReactNode } from 'react';
import { errorMessage } from '../lib/api-error';
import { Button } from './button';

export function LoadingState({ label = 'Loading…', rows = 0 }: { label?: string; rows?: number }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
      {rows > 0 && (
        <div className="skeleton-rows" aria-hidden="true">
          {Array.from({ length: rows }, (_, i) => (
            <div key={i} className="skeleton-row" />
          ))}
        </div>
      )}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children && <div className="state-text">{children}</div>}
      {action && <div className="state-action">{action}</div>}
    </div>
  );
}

export function ErrorState({ error, title = 'Could not load this', onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{title}</p>
      <p className="state-text">{errorMessage(error)}</p>
      {onRetry && (
        <div className="state-action">
          <Button size="sm" onClick={onRetry}>
            Try again
          </Button>
        </div>
      )}
    </div>
  );
}

/** A notice inside a page: info, success, warning or error. */
export function Callout({ tone = 'info', title, children, role }: { tone?: 'info' | 'ok' | 'warn' | 'bad'; title?: string; children?: ReactNode; role?: 'alert' | 'status' | 'note' }) {
  return (
    <div className={`callout callout-${tone}`} role={role}>
      {title && <p className="callout-title">{title}</p>}
      {children && <div className="callout-text">{children}</div>}
    </div>
  );
}
