import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveChange } from '../../contracts/live';
import { openDatabase } from '../../db/open-database';
import { createLogger } from '../../logger';
import { type RunningServer, startServer } from '../../server';
import { makeTestConfig } from '../../test-support/make-test-config';
import { createPostgresDatabase, testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa } from '../../test-support/webhook-client';
import { appRouter } from '../../trpc/app-router';
import { createCallerFactory } from '../../trpc/trpc';
import { forRequest } from '../access/request-context';
import type { Caller } from '../auth/caller';
import type { Ctx } from '../context';
import { LIVE_CHANNEL, notifyChange } from './change-notice';

const createCaller = createCallerFactory(appRouter);
const viewer: Caller = { name: 'vera@example.test', role: 'viewer', via: 'session' };
const ADMIN = { email: 'ada@example.test', password: 'a-long-admin-password' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stream as the console holds it: every change it receives, in order, until closed. */
function follow(ctx: Ctx, kinds: ('events' | 'workflows' | 'overview' | 'alerts')[], who: () => Caller | null = () => viewer) {
  const received: LiveChange[] = [];
  const aborter = new AbortController();
  const caller = createCaller(
    forRequest(ctx, { correlationId: 'live-test', sourceIp: '127.0.0.1', target: 'trpc live.changes', identify: async () => ({ actor: who() }) }),
    { signal: aborter.signal },
  );
  let ended: unknown = 'open';
  const done = (async () => {
    try {
      for await (const c of await caller.live.changes({ kinds })) received.push(c as LiveChange);
      ended = 'returned';
    } catch (e) {
      ended = e;
    }
  })();
  return {
    received,
    ended: () => ended,
    /** Waits (bounded) until `pred` holds for what was received. */
    until: async (pred: (r: LiveChange[]) => boolean, ms = 5000) => {
      for (const start = Date.now(); !pred(received) && Date.now() - start < ms; ) await sleep(10);
      return received;
    },
    close: async () => {
      aborter.abort();
      await done;
    },
    done,
  };
}
const of = (kind: string) => (r: LiveChange[]) => r.filter((c) => c.kind === kind);

describe.each(testDrivers)('live updates on %s', (driver) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(driver, { admin: ADMIN, opal: { simulator: { delayMs: 5, failureRate: 0 } } });
  });
  afterAll(() => s?.stop());

  it('tells a subscriber of a stored webhook after its commit, then of its workflow once projected', async () => {
    const stream = follow(s.ctx, ['events', 'workflows', 'overview']);
    await stream.until((r) => r.length > 0);
    expect(stream.received[0]).toEqual({ kind: 'resync' });
    const e = makeEvent({ event_type: 'agent.completed', agent_id: 'geo_audit', offset: 1 });
    expect((await postOsa(s.url, s.config.webhook.secrets[0]!, e)).status).toBe(202);
    await stream.until((r) => of('workflows')(r).length > 0 && of('overview')(r).length > 0);
    expect(of('events')(stream.received)[0]).toEqual({ kind: 'events', count: 1 });
    expect(of('workflows')(stream.received).flatMap((c) => ('ids' in c ? (c.ids ?? []) : []))).toContain(e.workflow_id);
    await stream.close();
  });

  it('delivers a change notified inside a transaction only when it commits, and never one rolled back', async () => {
    const stream = follow(s.ctx, ['alerts']);
    await stream.until((r) => r.length > 0);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = s.ctx.db.transaction(async (t) => {
      await notifyChange(t, 'alerts', ['alert-committed']);
      await held;
    });
    await sleep(300);
    expect(of('alerts')(stream.received)).toEqual([]);
    release();
    await tx;
    await stream.until((r) => of('alerts')(r).length > 0);
    expect(of('alerts')(stream.received)).toEqual([{ kind: 'alerts', ids: ['alert-committed'] }]);

    await s.ctx.db
      .transaction(async (t) => {
        await notifyChange(t, 'alerts', ['alert-rolled-back']);
        throw new Error('roll back');
      })
      .catch(() => {});
    await notifyChange(s.ctx.db, 'alerts', ['alert-after']);
    await stream.until((r) => of('alerts')(r).length > 1);
    expect(of('alerts')(stream.received).map((c) => ('ids' in c ? c.ids : undefined))).toEqual([['alert-committed'], ['alert-after']]);
    await stream.close();
  });

  it('sends only the kinds asked for, and payloads of kinds, ids and counts, never data or secrets', async () => {
    const raw: string[] = [];
    const unlisten = await s.ctx.database.listen(LIVE_CHANNEL, (p) => raw.push(p));
    const stream = follow(s.ctx, ['alerts']);
    await stream.until((r) => r.length > 0);
    const e = makeEvent({ event_type: 'agent.failed', agent_id: 'geo_audit', offset: 2, error: 'quota exceeded', api_token: 'tok-should-never-travel' });
    await postOsa(s.url, s.config.webhook.secrets[0]!, e);
    await s.settle();
    for (let i = 0; i < 100 && !raw.some((p) => p.includes('"workflows"')); i++) await sleep(20);
    await unlisten();
    expect(raw.length).toBeGreaterThan(0);
    for (const p of raw) {
      expect(p).not.toContain('tok-should-never-travel');
      expect(p).not.toContain('quota exceeded');
      expect(p).not.toContain(s.config.webhook.secrets[0]!);
      for (const n of JSON.parse(p) as Record<string, unknown>[]) expect(Object.keys(n).every((k) => ['k', 'i', 'n'].includes(k))).toBe(true);
    }
    // The alerts-only stream heard nothing of events or workflows.
    expect(stream.received.filter((c) => c.kind !== 'resync')).toEqual([]);
    await stream.close();
  });

  it('coalesces a burst: many webhooks, few NOTIFYs', async () => {
    const before = s.ctx.changes.stats.notifies;
    const burst = Array.from({ length: 60 }, (_, i) => makeEvent({ event_type: 'agent.completed', agent_id: 'geo_audit', offset: 100 + i }));
    const answers = await Promise.all(burst.map((e) => postOsa(s.url, s.config.webhook.secrets[0]!, e)));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    await s.settle();
    await sleep(1200);
    const sent = s.ctx.changes.stats.notifies - before;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(burst.length / 3);
  });

  it('ends the stream (UNAUTHORIZED) when the session no longer stands, at the next sign-out anywhere', async () => {
    let who: Caller | null = viewer;
    const stream = follow(s.ctx, ['events'], () => who);
    await stream.until((r) => r.length > 0);
    // The session is gone (expired, or signed out in another tab): someone's sign-out makes every stream check.
    who = null;
    await notifyChange(s.ctx.db, 'session');
    await Promise.race([stream.done, sleep(5000)]);
    expect(stream.ended()).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses the HTTP stream without a session (401), serves it as SSE with one, and ends it at sign-out', async () => {
    const url = `${s.url}/trpc/live.changes?input=${encodeURIComponent(JSON.stringify({ kinds: ['events'] }))}`;
    const refused = await fetch(url, { headers: { accept: 'text/event-stream' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ success: false, error: 'Authentication failed' });

    const login = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const cookie = /ofs_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    const res = await fetch(url, { headers: { accept: 'text/event-stream', cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil('"resync"');
    await postOsa(s.url, s.config.webhook.secrets[0]!, makeEvent({ event_type: 'agent.completed', agent_id: 'geo_audit', offset: 500 }));
    await readUntil('"events"');
    expect(text).toMatch(/data: \{"kind":"events","count":1\}/);

    const logout = await fetch(`${s.url}/api/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: s.url } });
    expect(logout.status).toBeLessThan(300);
    await readUntil('event: serialized-error');
    expect(text).toContain('UNAUTHORIZED');
    await reader.cancel();
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('live updates across two servers on one PostgreSQL', () => {
  let a: RunningServer;
  let b: RunningServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const pg = await createPostgresDatabase();
    drop = pg.drop;
    const start = async () =>
      startServer({
        config: makeTestConfig({ port: 0, host: '127.0.0.1' } as Parameters<typeof makeTestConfig>[0]),
        logger: createLogger({ debug: false, level: 'silent' }),
        database: await openDatabase({ driver: 'postgres', url: pg.url, prepare: true }),
        background: false,
      });
    a = await start();
    b = await start();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await a?.ctx.database.close();
    await b?.ctx.database.close();
    await drop?.();
  });

  it("tells a console on one server of an event the other server stored, and of that server's projection", async () => {
    const stream = follow(b.ctx, ['events', 'workflows']);
    await stream.until((r) => r.length > 0);
    const e = makeEvent({ event_type: 'agent.completed', agent_id: 'geo_audit', offset: 1 });
    expect((await postOsa(a.url, a.ctx.config.webhook.secrets[0]!, e)).status).toBe(202);
    await stream.until((r) => of('events')(r).length > 0 && of('workflows')(r).length > 0);
    expect(of('events')(stream.received)[0]).toEqual({ kind: 'events', count: 1 });
    await stream.close();
  });
});
