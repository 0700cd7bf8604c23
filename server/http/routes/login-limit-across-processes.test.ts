import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { openDatabase } from '../../db/open-database';
import { auditLog, rateLimitHits, sessions } from '../../db/schema';
import { type RunningServer, startServer } from '../../server';
import { capturedLogger } from '../../test-support/captured-logger';
import { makeTestConfig } from '../../test-support/make-test-config';
import { openPostgresBehindProxy } from '../../test-support/postgres-behind-proxy';
import type { TcpProxy } from '../../test-support/tcp-proxy';
import { openTestDatabase, type TestDatabase, testDrivers } from '../../test-support/test-database';

const ADMIN = { email: 'ada@acme.test', password: 'a-long-admin-password' };
const WRONG = { email: ADMIN.email, password: 'not-the-password' };
// Behind the load balancer (a loopback proxy, trusted): the limit is the client's, not the balancer's.
const CLIENT = '203.0.113.7';
const OTHER_CLIENT = '198.51.100.9';

/** A server of its own (listener, pools, limiter) on a database another one shares: a second process behind the balancer. */
const serverOn = (database: Database, logger = capturedLogger().logger) =>
  startServer({
    config: makeTestConfig({ port: 0, host: '127.0.0.1', admin: ADMIN, trustProxy: 'loopback' }),
    logger,
    database,
    background: false,
  });

const signIn = (s: RunningServer, body: typeof ADMIN, from: string) =>
  fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify(body),
  });

const remainingOf = (r: Response) => Number(/remaining=(\d+)/.exec(r.headers.get('ratelimit') ?? '')?.[1]);

describe.each(testDrivers)('the login limit across two servers on one %s database', (driver) => {
  let tdb: TestDatabase;
  let second: Database;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    tdb = await openTestDatabase(driver);
    // PostgreSQL: each server has its own pool, as two processes do. PGlite is one process's database: both share it.
    second = tdb.url ? await openDatabase({ driver: 'postgres', url: tdb.url, prepare: true }) : tdb.database;
    a = await serverOn(tdb.database);
    b = await serverOn(second);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (second !== tdb?.database) await second?.close();
    await tdb?.dispose();
  });

  it('allows 10 attempts a minute per address in total, not 10 on each: the 11th, on either, is a 429', async () => {
    expect(a.port).not.toBe(b.port);
    const answers: Response[] = [];
    // Nine wrong passwords and then the right one, alternating between the servers.
    for (let i = 0; i < 10; i++) answers.push(await signIn(i % 2 ? b : a, i < 9 ? WRONG : ADMIN, CLIENT));
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 200]);
    // One count behind both: what remains goes down by one per attempt, whichever server took it.
    expect(answers.map(remainingOf)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);

    // The 11th and 12th, right password and all, on each server.
    for (const s of [a, b]) {
      const r = await signIn(s, ADMIN, CLIENT);
      expect(r.status).toBe(429);
      const body = (await r.json()) as Record<string, unknown>;
      expect(body).toEqual({
        success: false,
        error: 'Too Many Requests',
        message: expect.stringMatching(/^Too many sign-in attempts from this address; try again in \d+ s\.$/),
        correlation_id: r.headers.get('x-correlation-id'),
      });
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(r.headers.get('ratelimit-policy')).toBe('10;w=60');
      expect(r.headers.get('ratelimit')).toMatch(/^limit=10, remaining=0, reset=\d+$/);
      expect(Math.abs(Number(/reset=(\d+)/.exec(r.headers.get('ratelimit')!)![1]) - retryAfter)).toBeLessThanOrEqual(1);
      expect(body.message).toContain(`in ${retryAfter} s`);
    }

    // Another address behind the same balancer has its own 10.
    const other = await signIn(b, WRONG, OTHER_CLIENT);
    expect(other.status).toBe(401);
    expect(remainingOf(other)).toBe(9);

    // What was written: one counter per client address (none for the balancer's), the attempts that got through audited, one session.
    await Promise.all([a.ctx.audit.flush(), b.ctx.audit.flush()]);
    const db = tdb.database.db;
    const counters = await db.select({ key: rateLimitHits.key, hits: rateLimitHits.hits }).from(rateLimitHits).where(eq(rateLimitHits.prefix, 'login'));
    expect(counters.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: OTHER_CLIENT, hits: 1 },
      { key: CLIENT, hits: 12 },
    ]);
    const audited = async (action: string) =>
      (await db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.sourceIp, CLIENT))))[0]!.n;
    expect({ failed: await audited('auth.failed'), login: await audited('login') }).toEqual({ failed: 9, login: 1 });
    expect((await db.select({ n: count() }).from(sessions))[0]!.n).toBe(1);
    // Twelve sign-ins each hash a password: on a loaded machine that is more than the default 30 s.
  }, 90_000);

  it('ended windows are deleted by a cluster job, current ones kept', async () => {
    const db = tdb.database.db;
    await db.insert(rateLimitHits).values([
      { prefix: 'login', key: '192.0.2.99', hits: 10, resetAt: new Date(Date.now() - 1000) },
      { prefix: 'login', key: '192.0.2.98', hits: 3, resetAt: new Date(Date.now() + 60_000) },
    ]);
    // Whichever server claims the job runs it: here the other one.
    await b.ctx.scheduler.tick();
    const keys = (await db.select({ key: rateLimitHits.key }).from(rateLimitHits)).map((r) => r.key);
    expect(keys).toContain('192.0.2.98');
    expect(keys).not.toContain('192.0.2.99');
  });

  it('the OpenAPI document declares the 429 for sign-in', async () => {
    const doc = (await (await fetch(`${a.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
    };
    expect(doc.paths['/api/auth/login']!.post!.responses['429']).toEqual({ $ref: '#/components/responses/RateLimited' });
  });
});

// A real outage needs a real network hop: PostgreSQL behind a proxy the test cuts.
describe.skipIf(!process.env.TEST_DATABASE_URL)('the login limit while PostgreSQL is away', () => {
  let proxy: TcpProxy;
  let server: RunningServer;
  let dispose: (() => Promise<void>) | undefined;
  const { lines, logger } = capturedLogger();
  beforeAll(async () => {
    const behind = await openPostgresBehindProxy();
    ({ proxy, dispose } = behind);
    server = await serverOn(behind.database, logger);
  });
  afterAll(async () => {
    proxy?.restore();
    await server?.close();
    await dispose?.();
  });

  it('answers 503 (sign-in needs the database), never 500, still limits in memory, and counts in the database again after', { timeout: 90_000 }, async () => {
    proxy.cut();
    // Each attempt waits for sign-in's own query to fail, which takes seconds: two show the answer.
    for (let i = 0; i < 2; i++) {
      const r = await signIn(server, ADMIN, CLIENT);
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({ success: false, error: 'Service Unavailable' });
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      // Counted in this process's memory meanwhile (the unit test has the 11th refused there).
      expect(remainingOf(r)).toBe(9 - i);
    }
    const warned = lines.filter((l) => l.includes('the database cannot count'));
    expect(warned).toHaveLength(1);

    proxy.restore();
    // A fresh address for each try, so that the reconnection's own 503s never add up to a limit.
    let from = '198.51.100.100';
    let after = await signIn(server, ADMIN, from);
    for (let i = 1; i <= 20 && after.status === 503; i++) {
      await new Promise((res) => setTimeout(res, 250));
      from = `198.51.100.${100 + i}`;
      after = await signIn(server, ADMIN, from);
    }
    expect(after.status).toBe(200);
    const [row] = await server.ctx.db
      .select({ hits: rateLimitHits.hits })
      .from(rateLimitHits)
      .where(and(eq(rateLimitHits.prefix, 'login'), eq(rateLimitHits.key, from)));
    expect(row?.hits).toBe(1);
    expect(lines.filter((l) => l.includes('counting in the database again'))).toHaveLength(1);
  });
});
