import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

/** Both drivers' Drizzle databases share this type, so domain code is driver-blind. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DriverName = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  driver: DriverName;
  /** Whether hot queries may use named prepared statements. */
  prepare: boolean;
  /**
   * Runs one statement with positional parameters and returns its rows,
   * below Drizzle: for the webhook append only, where Drizzle's per-call
   * parameter mapping was a measured share of the hot path. Named prepared
   * statements follow `prepare`.
   */
  run<Row extends Record<string, unknown>>(text: string, params: unknown[]): Promise<Row[]>;
  /**
   * LISTEN on `channel`: `onPayload` gets each NOTIFY's payload, after the
   * notifying transaction committed, from every process on this database.
   * `onListening` runs each time the LISTEN is (re)established (postgres.js
   * reconnects by itself; anything notified meanwhile was missed). Resolves
   * to the unlisten.
   */
  listen(channel: string, onPayload: (payload: string) => void, onListening?: () => void): Promise<() => Promise<void>>;
  /** A cheap round trip; throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
