/**
 * Fuzzes every route of a real server: each REST route (REST_ROUTES), each
 * tRPC procedure, and paths nobody declared, with seeded hostile bodies,
 * headers and query strings (server/test-support/fuzz-inputs.ts). For every
 * answer: never a 5xx, an X-Correlation-Id, DESIGN.md's error shape; after
 * every batch the server still answers its health check and no table grew
 * except by what an accepted (2xx) request may add.
 *
 * FUZZ_SEED=<n> replays a run; FUZZ_REQUESTS / FUZZ_AUTH_REQUESTS change its size.
 */
import { request as httpRequest, Agent, maxHeaderSize } from 'node:http';
import { count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGY_WORKFLOW } from '../../contracts/strategy-workflow';
import { agentRuns, alerts, auditLog, idempotencyKeys, replays, sessions, syncRequests, users, webhookEvents, workflows } from '../../db/schema';
import { testDrivers } from '../../test-support/test-database';
import { startTestServer, type TestServer } from '../../test-support/test-server';
import { appRouter } from '../../trpc/app-router';
import { REST_ROUTES } from '../../test-support/rest-route-list';
import { TRPC_PROCEDURES } from '../../test-support/authz-production-server';
import type { TrpcMeta } from '../../trpc/trpc';
import { type FuzzRequest, type FuzzTarget, type RouteClass, Rng, UNKNOWN_TARGETS, makeRequest, restTargets, sweepRequests } from '../../test-support/fuzz-inputs';

const SEED = Number(process.env.FUZZ_SEED ?? 424_242);
const OPEN_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1_800);
const AUTH_REQUESTS = Number(process.env.FUZZ_AUTH_REQUESTS ?? 500);
const BATCH = 100;
const CONCURRENCY = 6;
/** Hang detection only: a loaded machine may be slow, never this slow. */
const REQUEST_TIMEOUT_MS = 20_000;

const event = { event_type: 'workflow.started', workflow_id: 'wf-fuzz-1', offset: 0, timestamp: '2024-01-15T00:00:00Z', event_id: 'ev-1' };
const UUID = '00000000-0000-4000-8000-000000000000';

/** A body each route accepts, to mutate from (keyed like restTargets' labels). */
const REST_SAMPLES: Record<string, unknown> = {
  'POST /api/opal/sync': {
    sync_scope: 'priority_platforms',
    client_context: { client_name: 'Acme', industry: 'retail', recipients: ['a@b.example'] },
    include_rag_update: false,
    metadata: { note: 'n', nested: { k: 'v' } },
  },
  'POST /api/orchestrations/trigger': {
    workflow_name: STRATEGY_WORKFLOW,
    session_id: 's-1',
    client_name: 'Acme',
    triggered_by: 'fuzz',
    preferences: { p: 'v' },
    metadata: { note: 'n' },
  },
  'POST /api/webhooks/opal-workflow': event,
  'POST /api/opal/tools/send_workflow_event': { parameters: event },
  'POST /api/orchestrations/replay': { workflow_id: 'wf-fuzz-1', dry_run: true },
  'POST /api/orchestrations/replay/bulk': { dry_run: true, filter: { status: 'any', agent_id: 'geo_audit', event_type: 'agent.failed', start_date: '2024-01-01T00:00:00Z' } },
  'POST /api/diagnostics/last-webhook': { action: 'test_configuration' },
  'POST /api/auth/login': { email: 'nobody@example.test', password: 'wrong-password' },
  'POST /api/auth/logout': {},
};

const TRPC_SAMPLES: Record<string, unknown> = {
  'metrics.overview': { range: '1h' },
  'diagnostics.events': { limit: 5, workflow_id: 'wf-fuzz-1', q: { agent_data: { score: 3 } } },
  'diagnostics.rejections': { limit: 5, reason: 'invalid_signature' },
  'diagnostics.cleanup': { retention_days: 30 },
  'events.get': { eventId: UUID },
  'workflows.list': { status: 'all', search: 'wf' },
  'workflows.get': { workflowId: 'wf-fuzz-1' },
  'workflows.rerun': { workflowId: 'wf-fuzz-1' },
  'alerts.list': { status: 'all' },
  'replay.workflow': { workflow_id: 'wf-fuzz-1', dry_run: true },
  'replay.bulk': { dry_run: true },
  'replay.list': { limit: 5 },
  'forceSync.start': { sync_scope: 'odp_only', client_context: { client_name: 'Acme' }, metadata: { note: 'n' } },
  'forceSync.status': { syncId: UUID },
  'audit.list': { limit: 5, action: 'auth.failed' },
  'users.create': { email: 'fuzz@example.test', password: 'a-long-enough-password', role: 'viewer' },
  'users.update': { userId: UUID, role: 'viewer' },
};

interface ProcedureDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; inputs: unknown[] };
}

function trpcTargets(): FuzzTarget[] {
  const procedures = (appRouter._def as unknown as { procedures: Record<string, ProcedureDef> }).procedures;
  return Object.entries(procedures).map(([path, p]) => ({
    cls: p._def.type === 'query' ? 'trpc-query' : 'trpc-mutation',
    label: `trpc ${path}`,
    method: p._def.type === 'query' ? 'GET' : 'POST',
    path: `/trpc/${path}`,
    trpcPath: path,
    body: p._def.inputs[0] as FuzzTarget['body'],
    sample: TRPC_SAMPLES[path] ?? (p._def.inputs.length > 0 ? {} : undefined),
  }));
}

const ALL_TARGETS: FuzzTarget[] = [...restTargets(REST_ROUTES, REST_SAMPLES), ...trpcTargets(), ...UNKNOWN_TARGETS];
const WEBHOOK_TARGET = ALL_TARGETS.find((t) => t.cls === 'webhook')!;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
type Outcome = { ok: true; answer: Answer } | { ok: false; error: string };

function send(base: URL, agent: Agent | false, req: FuzzRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string | string[] | number> = { ...req.headers };
    if (req.body !== undefined && !req.chunked) headers['content-length'] = req.body.length;
    let settled = false;
    const done = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    let r;
    try {
      r = httpRequest({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ ok: true, answer: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) } }));
        res.on('error', (e) => done({ ok: false, error: `response: ${e.message}` }));
      });
    } catch (e) {
      // The client itself refused the request (a generator bug, not a server one).
      done({ ok: false, error: `client refused to send: ${(e as Error).message}` });
      return;
    }
    r.on('timeout', () => r.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    r.on('error', (e) => done({ ok: false, error: e.message }));
    if (req.body === undefined) r.end();
    else if (req.chunked) {
      const mid = Math.floor(req.body.length / 2);
      r.write(req.body.subarray(0, mid));
      r.end(req.body.subarray(mid));
    } else r.end(req.body);
  });
}

/** The tRPC procedure names a /trpc URL calls (a batch names several). */
function trpcProceduresOf(url: string): string[] {
  const m = /^\/trpc\/([^?]*)/.exec(url);
  return m ? m[1]!.split(',') : [];
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

interface Tally {
  sent: number;
  byClass: Record<string, number>;
  byStatus: Record<string, number>;
  transportErrors: number;
  retried: number;
  /** Of `sent`, the deterministic sweep (each field × each hostile value). */
  swept: number;
  /** Refused by Node's HTTP parser before the app saw them (no correlation id, connection closed). */
  parserRefused: number;
  failures: string[];
}

/** What each table may gain from a batch's answers. */
interface Allowance {
  toolStored: number;
  webhook2xx: number;
  syncs: number;
  idempotency: number;
  replays: number;
  users: number;
  sessions: number;
  audit: number;
  projections: number;
}

const TABLES = { webhookEvents, syncRequests, idempotencyKeys, replays, workflows, agentRuns, users, sessions, alerts, auditLog } satisfies Record<string, PgTable>;
type Counts = Record<keyof typeof TABLES, number>;

async function countRows(s: TestServer): Promise<Counts> {
  await s.ctx.audit.flush();
  const out = {} as Counts;
  for (const [name, table] of Object.entries(TABLES)) {
    const [row] = await s.ctx.db.select({ n: count() }).from(table);
    out[name as keyof Counts] = Number(row!.n);
  }
  return out;
}

/**
 * Node's HTTP parser answers some requests itself (431 headers too large, 400 for
 * framing it refuses, e.g. a chunked GET) with an empty body and a closed
 * connection; the app never sees them.
 */
const answeredByNodeParser = (a: Answer) =>
  (a.status === 400 || a.status === 431) && a.headers['x-correlation-id'] === undefined && a.body.length === 0 && a.headers.connection === 'close';

function checkAnswer(req: FuzzRequest, a: Answer, fail: (why: string) => void): void {
  if (a.status >= 500) fail(`status ${a.status}: ${a.body.toString('utf8').slice(0, 300)}`);
  if (!answeredByNodeParser(a) && typeof a.headers['x-correlation-id'] !== 'string') fail(`status ${a.status} without X-Correlation-Id`);
  const type = String(a.headers['content-type'] ?? '');
  if (!/json/i.test(type) || req.method === 'HEAD' || a.body.length === 0) return;
  let body: unknown;
  try {
    body = JSON.parse(a.body.toString('utf8'));
  } catch {
    fail(`status ${a.status}: a JSON content type with a body that is not JSON`);
    return;
  }
  if (a.status < 400) return;
  const designShape = (b: unknown) => {
    const o = b as Record<string, unknown> | null;
    return (
      o !== null &&
      typeof o === 'object' &&
      o.success === false &&
      typeof o.error === 'string' &&
      typeof o.message === 'string' &&
      o.correlation_id === a.headers['x-correlation-id']
    );
  };
  // tRPC answers in its own envelope (the console's client reads it); no stack, no internal text.
  const trpcShape = (b: unknown): boolean => {
    if (Array.isArray(b)) return b.every((item) => (item as Record<string, unknown>)?.result !== undefined || trpcShape(item));
    const e = (b as { error?: { message?: unknown; data?: { httpStatus?: unknown; stack?: unknown } } } | null)?.error;
    return typeof e?.message === 'string' && typeof e.data?.httpStatus === 'number' && e.data.stack === undefined;
  };
  const isTrpc = req.url.startsWith('/trpc');
  if (!(designShape(body) || (isTrpc && trpcShape(body)))) {
    fail(`status ${a.status}: error body not in the error shape: ${a.body.toString('utf8').slice(0, 300)}`);
  }
}

/** The server's own account of a failed answer (the error's message, never sent to the client). */
function logOf(s: TestServer, a: Answer): string {
  const id = a.headers['x-correlation-id'];
  const line = s.logs.find((l) => typeof id === 'string' && l.includes(id) && l.includes('"err"'));
  const err = line ? (JSON.parse(line) as { err?: { type?: string; message?: string } }).err : undefined;
  return err ? `${err.type}: ${String(err.message).slice(0, 400)}` : '(no error logged)';
}

/** Runs `total` requests in batches; checks answers, liveness and table growth after each batch. */
async function fuzz(
  s: TestServer,
  opts: { seed: number; total: number; sweep: boolean; tokens?: readonly string[]; extraCheck?: (req: FuzzRequest, target: FuzzTarget, a: Answer, fail: (why: string) => void) => void },
): Promise<Tally> {
  const rng = new Rng(opts.seed);
  const base = new URL(s.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const tally: Tally = { sent: 0, byClass: {}, byStatus: {}, transportErrors: 0, retried: 0, parserRefused: 0, swept: 0, failures: [] };
  try {
    const sweep = opts.sweep ? ALL_TARGETS.flatMap((target) => sweepRequests(target).map((req) => ({ target, req }))) : [];
    tally.swept = sweep.length;
    const total = sweep.length + opts.total;
    for (let done = 0; done < total && tally.failures.length < 20; done += BATCH) {
      const before = await countRows(s);
      const allowance: Allowance = { toolStored: 0, webhook2xx: 0, syncs: 0, idempotency: 0, replays: 0, users: 0, sessions: 0, audit: 0, projections: 0 };
      const jobs: { req: FuzzRequest; target: FuzzTarget; n: number }[] = [];
      for (let i = 0; i < Math.min(BATCH, total - done); i++) {
        const n = done + i;
        if (n < sweep.length) {
          jobs.push({ ...sweep[n]!, n });
          continue;
        }
        // The signed webhook route is the one the outside world reaches most: a sixth of the requests.
        const target = rng.chance(1 / 6) ? WEBHOOK_TARGET : rng.pick(ALL_TARGETS);
        jobs.push({ target, req: makeRequest(rng, target, { tokens: opts.tokens, webhookMaxBytes: s.config.webhook.maxBytes }, Date.now()), n });
      }
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) {
          const { req, target, n } = jobs[next++]!;
          const fail = (why: string) => tally.failures.push(`#${n} ${req.method} ${req.url.slice(0, 200)} [${target.label}; ${req.how}]: ${why}`);
          let outcome = await send(base, agent, req);
          if (!outcome.ok && /ECONNRESET|EPIPE|socket hang up/.test(outcome.error)) {
            // A pooled connection the server had just closed (e.g. after its HTTP parser refused the previous request): once more, alone.
            tally.retried++;
            outcome = await send(base, false, req);
          }
          tally.sent++;
          tally.byClass[target.cls] = (tally.byClass[target.cls] ?? 0) + 1;
          if (!outcome.ok) {
            tally.transportErrors++;
            // A server may close the connection on a body it refused before reading it all, and Node's parser closes it on a
            // request line and headers past http.maxHeaderSize (a 431 the client may not get to read while still sending:
            // Node 24 does so where 20 answered); nothing else may fail to answer.
            const head = req.url.length + JSON.stringify(req.headers).length;
            const refusedUnread = (req.body?.length ?? 0) > 64 * 1024 || head > maxHeaderSize;
            if (!(refusedUnread && /ECONNRESET|EPIPE|socket hang up/.test(outcome.error))) fail(`no answer: ${outcome.error}`);
            continue;
          }
          const a = outcome.answer;
          if (answeredByNodeParser(a)) tally.parserRefused++;
          tally.byStatus[`${target.cls} ${a.status}`] = (tally.byStatus[`${target.cls} ${a.status}`] ?? 0) + 1;
          checkAnswer(req, a, (why) => fail(a.status >= 500 ? `${why}\n    server log: ${logOf(s, a)}` : why));
          opts.extraCheck?.(req, target, a, fail);
          account(allowance, req, a);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));

      const health = await send(base, agent, { method: 'GET', url: '/api/health', headers: {}, body: undefined, how: 'health check', chunked: false });
      if (!health.ok || health.answer.status !== 200) {
        tally.failures.push(`after request #${done + jobs.length}: health check ${health.ok ? health.answer.status : health.error}`);
        break;
      }
      const after = await countRows(s);
      const grew = (k: keyof Counts) => after[k] - before[k];
      const rule = (ok: boolean, what: string) => {
        if (!ok) tally.failures.push(`batch ending #${done + jobs.length}: ${what} (before ${JSON.stringify(before)}, after ${JSON.stringify(after)}, allowed ${JSON.stringify(allowance)})`);
      };
      rule(allowance.webhook2xx === 0, 'the signed webhook route accepted an unsigned fuzz input');
      rule(grew('webhookEvents') === allowance.toolStored, `webhook_events grew by ${grew('webhookEvents')}, ${allowance.toolStored} stored (202) answers`);
      rule(grew('syncRequests') <= allowance.syncs, `sync_requests grew by ${grew('syncRequests')}`);
      rule(grew('idempotencyKeys') <= allowance.idempotency, `idempotency_keys grew by ${grew('idempotencyKeys')}`);
      rule(grew('replays') <= allowance.replays, `replays grew by ${grew('replays')}`);
      rule(grew('users') <= allowance.users, `users grew by ${grew('users')}`);
      rule(grew('sessions') <= allowance.sessions, `sessions grew by ${grew('sessions')}`);
      rule(grew('alerts') <= 0, `alerts grew by ${grew('alerts')}`);
      rule(grew('auditLog') <= allowance.audit, `audit_log grew by ${grew('auditLog')}`);
      rule(allowance.projections > 0 || (grew('workflows') <= 0 && grew('agentRuns') <= 0), 'projections changed with no accepted event or replay');
    }
  } finally {
    agent.destroy();
  }
  return tally;
}

/** Credits what one answer may add to each table. */
function account(allow: Allowance, req: FuzzRequest, a: Answer): void {
  const ok = a.status >= 200 && a.status < 300;
  const path = req.url.split('?')[0]!;
  const post = req.method === 'POST';
  const procs = trpcProceduresOf(req.url);
  const n = (names: string[]) => procs.filter((p) => names.includes(p)).length;
  if (post && path === '/api/webhooks/opal-workflow' && ok) allow.webhook2xx++;
  if (post && path === '/api/opal/tools/send_workflow_event' && a.status === 202) {
    allow.toolStored++;
    allow.projections++;
  }
  const syncRoute = post && (path === '/api/opal/sync' || path === '/api/orchestrations/trigger');
  if (syncRoute && ok) allow.syncs++;
  if (ok) allow.syncs += n(['forceSync.start', 'workflows.rerun']);
  // Idempotency records keep the first completed answer, a 4xx refusal included.
  if (syncRoute && req.headers['idempotency-key'] !== undefined && a.status < 500) allow.idempotency++;
  const replayRoute = post && (path === '/api/orchestrations/replay' || path === '/api/orchestrations/replay/bulk');
  if (ok && (replayRoute || n(['replay.workflow', 'replay.bulk']) > 0)) {
    allow.replays += replayRoute ? 1 : n(['replay.workflow', 'replay.bulk']);
    allow.projections++;
  }
  if (ok) allow.users += n(['users.create']);
  if (ok && post && path === '/api/auth/login') allow.sessions++;
  // Audited: what was done (2xx) and refused callers (401/403); a batch of tRPC calls may audit each.
  if (ok || a.status === 401 || a.status === 403) allow.audit += Math.max(1, procs.length);
}

function report(label: string, t: Tally): string {
  const classes = Object.entries(t.byClass)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${label}: ${t.sent} requests (${t.swept} of them the field sweep; by class ${classes}); refused by Node's parser ${t.parserRefused}; retried on a fresh connection ${t.retried}; transport errors ${t.transportErrors}; statuses ${JSON.stringify(t.byStatus)}`;
}

const isProtectedRest = (target: FuzzTarget) => REST_ROUTES.some((r) => `${r.method} ${r.path}` === target.label && r.roles !== undefined);

describe.each(testDrivers)('HTTP fuzz on %s', (driver) => {
  let open: TestServer;
  let guarded: TestServer;
  const keys = {
    client: 'fuzz-client-key-0123456789abcdef0123456789',
    viewer: 'fuzz-viewer-key-0123456789abcdef0123456789',
    operator: 'fuzz-operator-key-0123456789abcdef01234567',
    admin: 'fuzz-admin-key-0123456789abcdef0123456789ab',
  };

  beforeAll(async () => {
    // Simulator callbacks far in the future: webhook_events then only grows by what the fuzz itself got stored.
    const opal = { simulator: { delayMs: 3_600_000, failureRate: 0 } };
    open = await startTestServer(driver, { opal });
    guarded = await startTestServer(driver, {
      opal: { ...opal, toolToken: 'fuzz-tool-token-0123456789abcdef0123' },
      admin: { email: 'admin@example.test', password: 'a-long-admin-password' },
      apiKeys: Object.entries(keys).map(([role, key]) => ({ name: `fuzz-${role}`, role: role as 'client', key })),
    });
  });
  afterAll(async () => {
    await open?.stop();
    await guarded?.stop();
  });

  it('answers hostile input on every route without a 5xx, in the error shape, and stores nothing it refused (open, development)', async () => {
    const started = Date.now();
    const tally = await fuzz(open, { seed: SEED, total: OPEN_REQUESTS, sweep: true });
    console.info(`${report(`[${driver}] open round, seed ${SEED}`, tally)}; ${Date.now() - started} ms`);
    expect(tally.failures, `seed ${SEED} (FUZZ_SEED=${SEED} replays it)`).toEqual([]);
    expect(tally.sent).toBe(OPEN_REQUESTS + tally.swept);
    // Every route was reached.
    for (const cls of ['webhook', 'rest-write', 'rest-read', 'trpc-query', 'trpc-mutation', 'unknown'] satisfies RouteClass[]) {
      expect(tally.byClass[cls] ?? 0).toBeGreaterThan(0);
    }
  }, 300_000);

  it('with API keys and a console password: garbage credentials get 401, never a 5xx or a 2xx', async () => {
    const started = Date.now();
    const tokens = Object.values(keys);
    const valid = (h: string | string[] | undefined) => typeof h === 'string' && tokens.includes(BEARER.exec(h)?.[1] ?? '');
    const tally = await fuzz(guarded, {
      seed: SEED + 1,
      total: AUTH_REQUESTS,
      sweep: false,
      tokens,
      extraCheck: (req, target, a, fail) => {
        if (valid(req.headers.authorization) || req.method !== target.method || answeredByNodeParser(a)) return;
        // A path parameter that cannot be decoded is a 400 (or no route, 404) before anyone is asked for a key.
        const allowed = target.path.includes(':') ? [400, 401, 404] : [401];
        // A cookie-borne write that is cross-site (or not JSON) is refused with 403 before anyone is asked who they are.
        if (req.headers.cookie !== undefined) allowed.push(403);
        const openLookalike = req.url.split('?')[0] === '/api/opal/sync/';
        if (isProtectedRest(target) && !openLookalike && !allowed.includes(a.status)) fail(`protected route answered ${a.status} to ${req.headers.authorization === undefined ? 'no' : 'a garbage'} Authorization`);
        // Procedures whose verb is public (the session, and the health, receiver and configuration that REST serves open too) answer anyone.
        const procs = trpcProceduresOf(req.url).filter((p) => (TRPC_PROCEDURES[p]?._def.meta as TrpcMeta | undefined)?.access !== 'public');
        if (target.cls.startsWith('trpc') && procs.length > 0 && a.status < 300) fail(`tRPC ${procs.join(',')} answered ${a.status} without a valid key or session`);
        if (target.label === 'POST /api/opal/tools/send_workflow_event' && a.status < 300) fail(`the tool endpoint accepted a call without the tool token (${a.status})`);
      },
    });
    console.info(`${report(`[${driver}] API-key round, seed ${SEED + 1}`, tally)}; ${Date.now() - started} ms`);
    expect(tally.failures, `seed ${SEED + 1} (FUZZ_SEED=${SEED} replays it)`).toEqual([]);
    expect(tally.byStatus['rest-write 401'] ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
