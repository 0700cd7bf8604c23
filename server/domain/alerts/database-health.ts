/**
 * Database health judged in memory, so that "database connection failures"
 * can be noticed while the database itself is down.
 */
export class DatabaseHealth {
  recordSuccess(): void {}
  recordFailure(_error: unknown): void {}
}
