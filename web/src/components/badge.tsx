import type { ReactNode } from 'react';
import { humanize } from '../lib/format';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral' | 'accent';

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Every status word the server uses, one colour each, everywhere. */
const TONES: Record<string, Tone> = {
  completed: 'ok',
  success: 'ok',
  processed: 'ok',
  ok: 'ok',
  closed: 'ok',
  running: 'info',
  in_progress: 'info',
  triggered: 'info',
  waiting_for_callbacks: 'info',
  pending: 'neutral',
  half_open: 'warn',
  timed_out: 'warn',
  stale: 'warn',
  disabled: 'neutral',
  failed: 'bad',
  failure: 'bad',
  open: 'bad',
  unavailable: 'bad',
};

export const toneOf = (status: string): Tone => TONES[status] ?? 'neutral';

export function StatusBadge({ status, label, title }: { status: string; label?: string; title?: string }) {
  const tone = toneOf(status);
  return (
    <span className={`badge badge-${tone}`} title={title}>
      <span className="badge-dot" aria-hidden="true" />
      {label ?? humanize(status)}
    </span>
  );
}
