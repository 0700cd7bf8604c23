/** Formatting for dense tables: short, unambiguous, in the browser's locale and time zone. */

const numberFormat = new Intl.NumberFormat();
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const formatNumber = (n: number | null | undefined) => (n === null || n === undefined ? '—' : numberFormat.format(n));

export function formatPercent(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return `${n.toFixed(digits).replace(/\.0+$/, '')}%`;
}

/** 850 ms, 4.2 s, 3 min 12 s, 2 h 5 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1).replace(/\.0$/, '') : Math.round(s)} s`;
  const totalS = Math.round(s);
  const m = Math.floor(totalS / 60);
  if (m < 60) return totalS % 60 ? `${m} min ${totalS % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
}

/** The full time in the browser's zone, for titles and detail views. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
}

export function formatClock(ms: number): string {
  return timeFormat.format(new Date(ms));
}

/** "3 min ago", "in 5 s", "just now"; past a week, the date. */
export function formatRelative(iso: string | number | null | undefined, now: number): string {
  if (iso === null || iso === undefined) return '—';
  const t = typeof iso === 'number' ? iso : new Date(iso).getTime();
  if (Number.isNaN(t)) return String(iso);
  const diff = now - t;
  const abs = Math.abs(diff);
  const say = (text: string) => (diff >= 0 ? `${text} ago` : `in ${text}`);
  if (abs < 5_000) return 'just now';
  if (abs < 60_000) return say(`${Math.round(abs / 1000)} s`);
  if (abs < 3600_000) return say(`${Math.round(abs / 60_000)} min`);
  if (abs < 86400_000) return say(`${Math.round(abs / 3600_000)} h`);
  if (abs < 7 * 86400_000) {
    const d = Math.round(abs / 86400_000);
    return say(`${d} ${d === 1 ? 'day' : 'days'}`);
  }
  return new Date(t).toLocaleDateString();
}

/** `personalization_idea_generator` → `Personalization idea generator`. */
export function humanize(id: string): string {
  const s = id.replace(/[_.-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Long ids in narrow cells: the start and the end, the full id in the title. */
export function shortId(id: string, keep = 8): string {
  return id.length <= keep * 2 + 1 ? id : `${id.slice(0, keep)}…${id.slice(-4)}`;
}
