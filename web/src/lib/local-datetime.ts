/**
 * `<input type="datetime-local">` speaks the browser's wall-clock time
 * without a zone; the server and the URL speak instants. These convert
 * between the two in the browser's zone.
 */
const pad = (n: number) => String(n).padStart(2, '0');

/** An instant → `2026-01-15T09:30` in the browser's zone ('' for nothing or nonsense). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `2026-01-15T09:30` (the browser's zone) → an ISO instant with `Z`, or null. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
