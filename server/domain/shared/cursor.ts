import { validationError } from '../errors';

/**
 * Opaque keyset cursors: the last row's sort key, base64url-encoded. Stable
 * under concurrent inserts, unlike offsets.
 */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string, field = 'cursor'): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw validationError('The cursor is not valid.', [{ path: field, message: 'is not a cursor this server issued' }]);
  }
}
