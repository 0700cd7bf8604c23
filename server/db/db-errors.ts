/**
 * Classifies what a driver threw. Drizzle wraps driver errors, so the cause
 * chain is searched. "Unavailable" means the database itself cannot be
 * reached right now (a 503 and a retry later); a data exception means this
 * one statement's values were refused (the caller's fault, a 400).
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, query_canceled (statement timeout)
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

function* causes(e: unknown): Generator<{ code?: unknown; message?: unknown }> {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    yield cur as { code?: unknown };
    cur = (cur as { cause?: unknown }).cause;
  }
}

export function isDatabaseUnavailable(e: unknown): boolean {
  for (const c of causes(e)) {
    if (c instanceof DatabaseTimeoutError) return true;
    const code = typeof c.code === 'string' ? c.code : '';
    if (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  return false;
}

/** SQLSTATE class 22 (data exception): e.g. text or a number jsonb cannot hold. */
export function dataExceptionMessage(e: unknown): string | null {
  for (const c of causes(e)) {
    if (typeof c.code === 'string' && /^22[0-9A-Z]{3}$/.test(c.code)) {
      return typeof c.message === 'string' ? c.message : 'the database refused a value';
    }
  }
  return null;
}

export class DatabaseTimeoutError extends Error {
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`);
    this.name = 'DatabaseTimeoutError';
  }
}

/** Bounds a database call so that a request gets an answer, never a hang. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The database's own words: Drizzle wraps a driver error in "Failed query:
 * <sql> params: <values>", which would put statement text and event values
 * into a stored error message.
 */
export function databaseMessageOf(e: unknown): string {
  let message = e instanceof Error ? e.message : String(e);
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur instanceof Error; i++) {
    if (cur.message) message = cur.message;
    cur = cur.cause;
  }
  return message;
}
