import { and, eq } from 'drizzle-orm';
import type { Options } from 'express-rate-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../db/database';
import { openDatabase } from '../db/open-database';
import { rateLimitHits } from '../db/schema';
import { deleteEndedWindows } from '../domain/rate-limits/window-counts';
import { capturedLogger } from '../test-support/captured-logger';
import { openTestDatabase, type TestDatabase, testDrivers } from '../test-support/test-database';
import { DatabaseRateLimitStore } from './database-rate-limit-store';

const WINDOW = 60_000;
const T0 = Date.parse('2026-06-01T12:00:00Z');

function storeOn(db: Db, clock: { t: number }, prefix = 'login', logger = capturedLogger().logger) {
  const store = new DatabaseRateLimitStore({ db, prefix, now: () => clock.t, logger });
  store.init({ windowMs: WINDOW } as Options);
  return store;
}

describe.each(testDrivers)('DatabaseRateLimitStore on %s', (driver) => {
  let tdb: TestDatabase;
  // PostgreSQL: a second pool on the same database, as a second process has.
  let other: Database;
  beforeAll(async () => {
    tdb = await openTestDatabase(driver);
    other = tdb.url ? await openDatabase({ driver: 'postgres', url: tdb.url, prepare: true }) : tdb.database;
  });
  afterAll(async () => {
    if (other !== tdb?.database) await other?.close();
    await tdb?.dispose();
  });

  const row = async (prefix: string, key: string) =>
    (await tdb.database.db.select().from(rateLimitHits).where(and(eq(rateLimitHits.prefix, prefix), eq(rateLimitHits.key, key))))[0];

  it('counts hits in one window that ends windowMs after the first', async () => {
    const clock = { t: T0 };
    const store = storeOn(tdb.database.db, clock);
    const first = await store.increment('198.51.100.1');
    clock.t += 20_000;
    const second = await store.increment('198.51.100.1');
    const third = await store.increment('198.51.100.1');
    expect([first.totalHits, second.totalHits, third.totalHits]).toEqual([1, 2, 3]);
    for (const r of [first, second, third]) expect(r.resetTime?.getTime()).toBe(T0 + WINDOW);
    expect(await store.get('198.51.100.1')).toEqual({ totalHits: 3, resetTime: new Date(T0 + WINDOW) });
    // Stored as the limiter gave it.
    expect(await row('login', '198.51.100.1')).toEqual({ prefix: 'login', key: '198.51.100.1', hits: 3, resetAt: new Date(T0 + WINDOW) });
  });

  it('starts a new window once the old one has ended', async () => {
    const clock = { t: T0 };
    const store = storeOn(tdb.database.db, clock);
    for (let i = 0; i < 5; i++) await store.increment('198.51.100.2');
    clock.t = T0 + WINDOW - 1;
    expect((await store.increment('198.51.100.2')).totalHits).toBe(6);
    clock.t = T0 + WINDOW;
    expect(await store.get('198.51.100.2')).toBeUndefined();
    const fresh = await store.increment('198.51.100.2');
    expect(fresh).toEqual({ totalHits: 1, resetTime: new Date(T0 + 2 * WINDOW) });
    expect((await row('login', '198.51.100.2'))?.hits).toBe(1);
  });

  it('20 hits at once from two stores (on PostgreSQL, two pools) are counted 1..20, each once', async () => {
    const clock = { t: T0 };
    const a = storeOn(tdb.database.db, clock);
    const b = storeOn(other.db, clock);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).increment('203.0.113.20')));
    expect(results.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.resetTime?.getTime()))).toEqual(new Set([T0 + WINDOW]));
    expect((await row('login', '203.0.113.20'))?.hits).toBe(20);
  });

  it('20 hits at once, from both, just after a window ended restart it exactly once', async () => {
    const clock = { t: T0 };
    const a = storeOn(tdb.database.db, clock);
    const b = storeOn(other.db, clock);
    await a.increment('203.0.113.21');
    clock.t = T0 + WINDOW + 5;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).increment('203.0.113.21')));
    expect(results.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.resetTime?.getTime()))).toEqual(new Set([T0 + 2 * WINDOW + 5]));
  });

  it('keeps limiters apart by prefix; decrement and resetKey touch only their own key', async () => {
    const clock = { t: T0 };
    const login = storeOn(tdb.database.db, clock, 'login');
    const other = storeOn(tdb.database.db, clock, 'other');
    await login.increment('192.0.2.5');
    await login.increment('192.0.2.5');
    await login.increment('192.0.2.6');
    expect((await other.increment('192.0.2.5')).totalHits).toBe(1);
    await login.decrement('192.0.2.5');
    expect((await login.get('192.0.2.5'))?.totalHits).toBe(1);
    await login.decrement('192.0.2.5');
    await login.decrement('192.0.2.5');
    expect((await login.get('192.0.2.5'))?.totalHits).toBe(0);
    await login.resetKey('192.0.2.6');
    expect(await row('login', '192.0.2.6')).toBeUndefined();
    expect((await other.get('192.0.2.5'))?.totalHits).toBe(1);
  });

  it('the cleanup deletes ended windows only', async () => {
    const clock = { t: T0 + 10 * WINDOW };
    const store = storeOn(tdb.database.db, clock, 'cleanup');
    await store.increment('ended');
    clock.t += WINDOW / 2;
    await store.increment('current');
    const deleted = await deleteEndedWindows(tdb.database.db, T0 + 11 * WINDOW);
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await row('cleanup', 'ended')).toBeUndefined();
    expect((await row('cleanup', 'current'))?.hits).toBe(1);
  });

  it('counts in memory, with one warning, while the database cannot count, and in the database again after', async () => {
    const state = { down: false };
    // The database refusing every statement, as an unreachable one does.
    const flaky = new Proxy(tdb.database.db, {
      get(target, p, receiver) {
        if (state.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        return Reflect.get(target, p, receiver) as unknown;
      },
    });
    const { lines, logger } = capturedLogger();
    const store = storeOn(flaky, { t: Date.now() }, 'flaky', logger);
    expect((await store.increment('192.0.2.9')).totalHits).toBe(1);
    state.down = true;
    const during = [];
    for (let i = 0; i < 11; i++) during.push((await store.increment('192.0.2.9')).totalHits);
    // Still a limit: the 11th is over 10.
    expect(during).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    state.down = false;
    expect((await store.increment('192.0.2.9')).totalHits).toBe(2);
    const logged = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(logged.filter((l) => l.msg.includes('cannot count')).map((l) => l.level)).toEqual([40]);
    expect(logged.filter((l) => l.msg.includes('in the database again'))).toHaveLength(1);
    store.shutdown();
  });

  it('counts in memory when the database does not count within the deadline', async () => {
    // A statement that never answers, as on a pool waiting to reconnect.
    const never: unknown = new Proxy(() => {}, {
      get: (_t, p) => (p === 'then' ? () => {} : () => never),
      apply: () => never,
    });
    const hanging = new Proxy(tdb.database.db, { get: (target, p, receiver) => (p === 'insert' ? never : (Reflect.get(target, p, receiver) as unknown)) });
    const { lines, logger } = capturedLogger();
    const store = new DatabaseRateLimitStore({ db: hanging, prefix: 'hanging', now: () => T0, logger, deadlineMs: 50 });
    store.init({ windowMs: WINDOW } as Options);
    expect((await store.increment('192.0.2.11')).totalHits).toBe(1);
    expect((await store.increment('192.0.2.11')).totalHits).toBe(2);
    expect(lines.filter((l) => l.includes('cannot count'))).toHaveLength(1);
    store.shutdown();
  });

  it('lets an error that is not an outage through, to the error handler', async () => {
    const broken = new Proxy(tdb.database.db, {
      get() {
        throw new Error('a bug');
      },
    });
    const store = storeOn(broken, { t: T0 }, 'broken');
    await expect(store.increment('192.0.2.10')).rejects.toThrow('a bug');
    store.shutdown();
  });
});
