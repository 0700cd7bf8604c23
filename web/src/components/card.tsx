import type { ReactNode } from 'react';

export function Card({ title, actions, children, className, id, flush = false }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string; flush?: boolean }) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={['card', className].filter(Boolean).join(' ')} aria-labelledby={title ? headingId : undefined} id={id}>
      {(title || actions) && (
        <header className="card-header">
          {title && (
            <h2 className="card-title" id={headingId}>
              {title}
            </h2>
          )}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      <div className={flush ? 'card-body card-body-flush' : 'card-body'}>{children}</div>
    </section>
  );
}

/** A key figure: label, value, and an optional note (target, unit, context). */
export function Stat({ label, value, note, tone }: { label: string; value: ReactNode; note?: ReactNode; tone?: 'ok' | 'warn' | 'bad' }) {
  return (
    <div className={['stat', tone ? `stat-${tone}` : ''].join(' ')}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {note && <div className="stat-note">{note}</div>}
    </div>
  );
}
