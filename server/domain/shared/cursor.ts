import { validationError } from '../errors';

/**
 * Opaque keyset cursors: the last row's sort key, base64url-encoded. Stable
 * under concurrent inserts, unlike offsets.
 */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A cursor is text the caller sends back, so it is checked like any input:
 * an instant PostgreSQL can take (years 1–9999), an id with no NUL, and a
 * UUID where the id column is one — else a hand-made cursor is a 500.
 */
export function decodeCursor(cursor: string, field = 'cursor', opts: { uuid?: boolean } = {}): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    const year = date.getUTCFullYear();
    if (year < 1 || year > 9999 || id.includes('\u0000') || (opts.uuid && !UUID.test(id))) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw validationError('The cursor is not valid.', [{ path: field, message: 'is not a cursor this server issued' }]);
  }
}

/**
 * A keyset page: the query asked for `limit + 1` rows, so one more than the
 * page means there is a next one, whose cursor is the page's last sort key.
 */
export function keysetPage<T>(rows: T[], limit: number, keyOf: (row: T) => [Date, string]): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(...keyOf(last)) : null };
}
