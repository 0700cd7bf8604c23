import { type ButtonHTMLAttributes, type ReactNode, useId } from 'react';
import { Link } from 'wouter';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';
type Size = 'sm' | 'md';

const classes = (variant: Variant, size: Size, extra?: string) => ['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', extra ?? ''].filter(Boolean).join(' ');

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: Size;
  busy?: boolean;
}

export function Button({ variant = 'secondary', size = 'md', busy = false, className, children, disabled, type = 'button', ...rest }: ButtonProps) {
  return (
    <button type={type} className={classes(variant, size, className)} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

/** A link that looks like a button (navigation stays a link for the accessibility tree). */
export function ButtonLink({ href, variant = 'secondary', size = 'md', children, className, onClick }: { href: string; variant?: Variant; size?: Size; children: ReactNode; className?: string; onClick?: () => void }) {
  return (
    <Link href={href} className={classes(variant, size, className)} onClick={onClick}>
      {children}
    </Link>
  );
}

/**
 * A control that exists but cannot be used yet, saying why: focusable (so
 * keyboard users can read the reason), announced as disabled, tooltip on
 * hover and focus.
 */
export function UnavailableButton({ children, reason, size = 'md' }: { children: ReactNode; reason: string; size?: Size }) {
  const id = useId();
  return (
    <span className="tooltip-wrap">
      <button type="button" className={classes('secondary', size, 'is-unavailable')} aria-disabled="true" aria-describedby={id} onClick={(e) => e.preventDefault()}>
        {children}
      </button>
      <span role="tooltip" id={id} className="tooltip">
        {reason}
      </span>
    </span>
  );
}
