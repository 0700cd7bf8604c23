import type postgres from 'postgres';

/*
 * postgres.js 3.4.9 (porsager/postgres#1154, #1208): when a transaction's
 * connection drops, `begin` (or `savepoint`) still sends ROLLBACK on it. The
 * write is scheduled for a socket that is already gone and throws from a
 * setImmediate: an uncaught TypeError that kills the process in the middle of
 * a database outage. `begin` itself rejects as soon as the connection closes,
 * so a transaction body that failed because its connection closed is left
 * unsettled instead: no ROLLBACK is sent, and the server rolls back a
 * transaction whose session ended anyway. A body that failed for any other
 * reason, or whose connection is still open, rejects as usual and is rolled
 * back. Remove once postgres.js guards nextWrite itself.
 */

// Codes postgres.js rejects a query with when its connection's socket is gone.
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

type Body = (tx: postgres.TransactionSql) => unknown;
type Savepoint = (nameOrBody: string | Body, maybeBody?: Body) => Promise<unknown>;

/** `client` with `begin` (and its transactions' `savepoint`) guarded as described above. */
export function withoutRollbackOnDeadConnection(client: postgres.Sql): postgres.Sql {
  const begin = (optionsOrBody: string | Body, maybeBody?: Body) => {
    const body = maybeBody ?? (optionsOrBody as Body);
    const options = typeof optionsOrBody === 'string' ? optionsOrBody : '';
    // Settles (rejects) by itself once the connection has closed.
    const outcome: Promise<unknown> = client.begin(options, guarded(body, () => outcome));
    return outcome;
  };
  return new Proxy(client, { get: (target, key, receiver) => (key === 'begin' ? begin : Reflect.get(target, key, receiver)) });
}

function guarded(body: Body, outcome: () => Promise<unknown>): Body {
  return async (tx) => {
    try {
      return await body(withGuardedSavepoints(tx, outcome));
    } catch (e) {
      if (connectionLost(e) && (await settlesSoon(outcome()))) return new Promise<never>(() => {});
      throw e;
    }
  };
}

function withGuardedSavepoints(tx: postgres.TransactionSql, outcome: () => Promise<unknown>): postgres.TransactionSql {
  const savepoint: Savepoint = (nameOrBody, maybeBody) => {
    const sp = tx.savepoint as unknown as Savepoint;
    return maybeBody === undefined ? sp(guarded(nameOrBody as Body, outcome)) : sp(nameOrBody, guarded(maybeBody, outcome));
  };
  return new Proxy(tx, { get: (target, key, receiver) => (key === 'savepoint' ? savepoint : Reflect.get(target, key, receiver)) });
}

/** Whether the transaction has ended on its own: its connection really closed. */
function settlesSoon(p: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 1000);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Drizzle wraps driver errors: the code is searched along the cause chain. */
function connectionLost(e: unknown): boolean {
  for (let cur: unknown = e, i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_LOST.has(code)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
