/**
 * DESIGN.md "Access", production column, as a table: every REST route and
 * every tRPC procedure × every kind of credential → 401, 403 or allowed
 * (anything else: 200, 202, 400, 404…). The expectations are written here
 * from DESIGN.md, not read from REST_ROUTES' `roles` or the procedures'
 * builders, so a wrong role in the code is caught; the table must also name
 * every route and procedure the code has, so a new one cannot slip through
 * unjudged.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../contracts/roles';
import type { TrpcMeta } from '../../trpc/trpc';
import { startFakeOpal, type FakeOpal } from '../../test-support/fake-opal';
import { testDrivers } from '../../test-support/test-database';
import type { TestServer } from '../../test-support/test-server';
import { makeEvent, postOsa, postRaw } from '../../test-support/webhook-client';
import { REST_ROUTES } from '../../test-support/rest-route-list';
import { callTrpc, consoleHeaders, createConsoleUser, LB_HEADERS, lbFetch, productionEnv, signIn, startProductionServer, TRPC_PROCEDURES } from '../../test-support/authz-production-server';

type Access = { kind: 'open' } | { kind: 'signature' } | { kind: 'tool_token' } | { kind: 'roles'; roles: readonly Role[] };
const OPEN: Access = { kind: 'open' };
const SIGNATURE: Access = { kind: 'signature' };
const TOOL_TOKEN: Access = { kind: 'tool_token' };
const roles = (...r: Role[]): Access => ({ kind: 'roles', roles: r });
// DESIGN.md "Access", production column.
const CLIENT = roles('client', 'operator', 'admin'); // force sync, trigger, polling
const READ = roles('viewer', 'operator', 'admin'); // diagnostics, /metrics, tRPC reads
const OPERATOR = roles('operator', 'admin'); // replay, test_configuration
const ADMIN = roles('admin'); // cleanup_old_events, users, API keys

const MADE_UP_ID = randomUUID();

interface HttpCase {
  /** `METHOD path` as REST_ROUTES names it. */
  route: string;
  variant?: string;
  access: Access;
  /** The domain verb a body variant reaches (else the route's own). */
  verb?: string;
  /** The concrete URL path, when `route` has parameters. */
  url?: string;
  body?: unknown;
}

/** Every REST route (and the variants of one route whose body decides the role). */
const REST_CASES: HttpCase[] = [
  { route: 'GET /api/health', access: OPEN },
  // The orchestrator's probes carry no credentials.
  { route: 'GET /api/health/live', access: OPEN },
  { route: 'GET /api/health/ready', access: OPEN },
  { route: 'GET /api/openapi.json', access: OPEN },
  { route: 'GET /api/opal/sync', access: OPEN },
  { route: 'POST /api/opal/sync', access: CLIENT, body: { sync_scope: 'odp_only' } },
  { route: 'GET /api/opal/sync/:sync_id', access: CLIENT, url: `/api/opal/sync/${MADE_UP_ID}` },
  { route: 'GET /api/orchestrations/trigger', access: OPEN },
  { route: 'POST /api/orchestrations/trigger', access: CLIENT, body: { workflow_name: 'strategy_workflow' } },
  { route: 'GET /api/webhooks/opal-workflow', access: OPEN },
  // Unsigned: no API key or session stands in for a signature.
  { route: 'POST /api/webhooks/opal-workflow', access: SIGNATURE, body: makeEvent() },
  // Tool metadata only (no secret, no data); the tool call itself needs the token.
  { route: 'GET /api/opal/discovery', access: OPEN },
  { route: 'POST /api/opal/tools/send_workflow_event', access: TOOL_TOKEN, body: { parameters: makeEvent() } },
  { route: 'POST /api/orchestrations/replay', access: OPERATOR, body: { workflow_id: 'wf-made-up', dry_run: true } },
  { route: 'POST /api/orchestrations/replay/bulk', access: OPERATOR, body: { dry_run: true } },
  { route: 'GET /api/orchestrations/replay/bulk/:job_id', access: READ, url: `/api/orchestrations/replay/bulk/${MADE_UP_ID}` },
  { route: 'POST /api/orchestrations/replay/bulk/:job_id/cancel', access: OPERATOR, url: `/api/orchestrations/replay/bulk/${MADE_UP_ID}/cancel` },
  // The replay history is a read (the console's replay.list); DESIGN's "replay" row is the act of replaying.
  { route: 'GET /api/orchestrations/replay', access: READ },
  { route: 'GET /api/diagnostics/last-webhook', access: READ },
  { route: 'POST /api/diagnostics/last-webhook', variant: 'test_configuration', verb: 'diagnostics.test_configuration', access: OPERATOR, body: { action: 'test_configuration' } },
  {
    route: 'POST /api/diagnostics/last-webhook',
    variant: 'cleanup_old_events',
    verb: 'diagnostics.cleanup_old_events',
    access: ADMIN,
    body: { action: 'cleanup_old_events', retention_days: 30, reason: 'authorization matrix' },
  },
  { route: 'GET /api/metrics', access: READ },
  { route: 'GET /metrics', access: READ },
  { route: 'GET /api/alerts', access: READ },
  // Made-up ids: an operator gets 404 (nothing is acknowledged or lifted), others never reach the lookup; a bad silence is a 400 after the door.
  { route: 'POST /api/alerts/:alert_id/acknowledge', access: OPERATOR, url: `/api/alerts/${MADE_UP_ID}/acknowledge`, body: {} },
  { route: 'POST /api/alerts/silences', access: OPERATOR, body: { rule: 'event_backlog', duration_minutes: 1, reason: 'authorization matrix' } },
  { route: 'POST /api/alerts/silences/:silence_id/lift', access: OPERATOR, url: `/api/alerts/silences/${MADE_UP_ID}/lift` },
  // An empty body: 400 after the (open) door, without making a session.
  { route: 'POST /api/auth/login', access: OPEN, body: {} },
  { route: 'GET /api/auth/session', access: OPEN },
  // Ends the caller's session: run last for each credential.
  { route: 'POST /api/auth/logout', access: OPEN },
];

/** Served outside REST_ROUTES. */
const OTHER_CASES: HttpCase[] = [
  { route: 'GET /', access: OPEN },
  { route: 'GET /assets/made-up.js', access: OPEN },
  { route: 'GET /workflows/wf-made-up', access: OPEN },
];

interface TrpcCase {
  access: Access;
  input?: unknown;
}

const TRPC_CASES: Record<string, TrpcCase> = {
  session: { access: OPEN },
  // The same verbs as the open GET /api/health, /api/webhooks/opal-workflow and /api/opal/sync: open on both transports.
  'system.health': { access: OPEN },
  'system.receiver': { access: OPEN },
  'system.configuration': { access: OPEN },
  'metrics.overview': { access: READ, input: { range: '1h' } },
  'diagnostics.events': { access: READ, input: {} },
  'diagnostics.rejections': { access: READ, input: {} },
  'diagnostics.testConfiguration': { access: OPERATOR },
  'diagnostics.cleanup': { access: ADMIN, input: { retention_days: 30, reason: 'authorization matrix' } },
  'events.get': { access: READ, input: { eventId: MADE_UP_ID } },
  'workflows.list': { access: READ, input: {} },
  'workflows.get': { access: READ, input: { workflowId: 'wf-made-up' } },
  // A re-run acts on a workflow the console shows: an operator's action.
  'workflows.rerun': { access: OPERATOR, input: { workflowId: 'wf-made-up' } },
  'alerts.list': { access: READ, input: {} },
  'alerts.acknowledge': { access: OPERATOR, input: { alert_id: MADE_UP_ID } },
  'alerts.silence': { access: OPERATOR, input: { rule: 'event_backlog', duration_minutes: 1, reason: 'authorization matrix' } },
  'alerts.liftSilence': { access: OPERATOR, input: { silence_id: MADE_UP_ID } },
  'replay.workflow': { access: OPERATOR, input: { workflow_id: 'wf-made-up', dry_run: true } },
  'replay.bulk': { access: OPERATOR, input: { dry_run: true } },
  'replay.bulkJob': { access: READ, input: { job_id: MADE_UP_ID } },
  'replay.cancelBulk': { access: OPERATOR, input: { job_id: MADE_UP_ID } },
  'replay.list': { access: READ, input: {} },
  // Force sync and polling are a client app's through either API (DESIGN.md: a role is held by an API key or a session alike).
  'forceSync.start': { access: CLIENT, input: { sync_scope: 'odp_only' } },
  'forceSync.status': { access: CLIENT, input: { syncId: MADE_UP_ID } },
  'audit.list': { access: ADMIN, input: {} },
  'users.list': { access: ADMIN },
  // Invalid input: an admin gets 400 (no user is made); others never reach validation.
  'users.create': { access: ADMIN, input: {} },
  'users.update': { access: ADMIN, input: { userId: MADE_UP_ID, role: 'viewer' } },
  // A stream: refused with 401/403 before it starts, like a query.
  'live.changes': { access: READ, input: { kinds: ['events'] } },
};

const procedures = TRPC_PROCEDURES;
const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

const key = (name: string) => `${name}-${randomBytes(24).toString('hex')}`;
const API_KEYS = [
  { name: 'app', role: 'client', key: key('client') },
  { name: 'dashboard', role: 'viewer', key: key('viewer') },
  { name: 'oncall', role: 'operator', key: key('operator') },
  { name: 'root', role: 'admin', key: key('admin') },
] as const;
const TOOL_TOKEN_VALUE = key('tool');
const ADMIN_EMAIL = 'ada@security.test';
const ADMIN_PASSWORD = key('admin-password');
const USERS = [
  { email: 'vera@security.test', password: key('viewer-password'), role: 'viewer' },
  { email: 'otto@security.test', password: key('operator-password'), role: 'operator' },
] as const;

interface Credential {
  name: string;
  /** The role it holds, or null when it proves nothing. */
  role: Role | null;
  isToolToken?: boolean;
  headers: (url: string) => Record<string, string>;
}

type Outcome = 401 | 403 | 'allowed';

function expected(access: Access, c: Credential): Outcome {
  switch (access.kind) {
    case 'open':
      return 'allowed';
    case 'signature':
      return 401;
    case 'tool_token':
      return c.isToolToken ? 'allowed' : 401;
    case 'roles':
      if (c.role === null) return 401;
      return access.roles.includes(c.role) ? 'allowed' : 403;
  }
}

const outcomeOf = (status: number): Outcome => (status === 401 || status === 403 ? status : 'allowed');

describe('the access table', () => {
  it('names every REST route once (with body variants) and agrees with REST_ROUTES roles and security', () => {
    const inCode = REST_ROUTES.map(routeKey).sort();
    expect([...new Set(REST_CASES.map((c) => c.route))].sort()).toEqual(inCode);
    for (const route of REST_ROUTES) {
      const cases = REST_CASES.filter((c) => c.route === routeKey(route));
      const union = [...new Set(cases.flatMap((c) => (c.access.kind === 'roles' ? c.access.roles : [])))].sort();
      // The OpenAPI roles are the route's door: the widest of its variants.
      expect({ route: routeKey(route), roles: [...(route.roles ?? [])].sort() }).toEqual({ route: routeKey(route), roles: union });
      const kinds = new Set(cases.map((c) => c.access.kind));
      if (kinds.has('signature')) expect(route.security).toEqual([{ osaSignature: [] }, { standardWebhooks: [] }]);
      if (kinds.has('tool_token')) expect(route.security).toEqual([{ toolToken: [] }]);
      if (kinds.has('open')) expect(route.security).toBeUndefined();
    }
  });

  it('names every tRPC procedure', () => {
    expect(Object.keys(TRPC_CASES).sort()).toEqual(Object.keys(procedures).sort());
  });
});

describe.each(testDrivers)('authorization matrix in production on %s', (driver) => {
  let s: TestServer;
  let opal: FakeOpal;
  const sessions = new Map<string, string>();

  beforeAll(async () => {
    opal = await startFakeOpal();
    ({ server: s } = await startProductionServer(
      driver,
      productionEnv({
        authKey: key('opal-auth-key'),
        toolToken: TOOL_TOKEN_VALUE,
        webhookSecrets: [key('webhook-secret-1'), key('webhook-secret-2')],
        apiKeys: [...API_KEYS],
        adminEmail: ADMIN_EMAIL,
        adminPassword: ADMIN_PASSWORD,
        opalWebhookUrl: opal.url,
      }),
    ));
    const admin = await signIn(s.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    sessions.set('admin', admin.token);
    for (const u of USERS) {
      await createConsoleUser(s.url, admin.token, u);
      sessions.set(u.role, (await signIn(s.url, u.email, u.password)).token);
    }
  });
  afterAll(async () => {
    await s?.stop();
    await opal?.close();
  });

  const bearer = (token: string) => () => ({ authorization: `Bearer ${token}` });
  const session = (role: 'viewer' | 'operator' | 'admin') => (url: string) => consoleHeaders(url, sessions.get(role)!);
  const CREDENTIALS: Credential[] = [
    { name: 'no credentials', role: null, headers: () => ({}) },
    { name: 'wrong API key', role: null, headers: bearer(key('wrong')) },
    { name: 'tool token as bearer', role: null, isToolToken: true, headers: bearer(TOOL_TOKEN_VALUE) },
    { name: 'unknown session cookie', role: null, headers: (url) => consoleHeaders(url, randomBytes(32).toString('base64url')) },
    ...API_KEYS.map((k): Credential => ({ name: `API key ${k.role}`, role: k.role, headers: bearer(k.key) })),
    ...(['viewer', 'operator', 'admin'] as const).map((r): Credential => ({ name: `session ${r}`, role: r, headers: session(r) })),
  ];

  it('answers every route and procedure × credential as DESIGN.md "Access" says', { timeout: 120_000 }, async () => {
    const started = Date.now();
    const mismatches: string[] = [];
    let requests = 0;
    const statuses = new Map<string, number>();
    const byVerb: { verb: string; transport: 'rest' | 'trpc'; credential: string; outcome: Outcome }[] = [];

    const httpCases = [...REST_CASES.filter((c) => c.route !== 'POST /api/auth/logout'), ...OTHER_CASES];
    const logout = REST_CASES.find((c) => c.route === 'POST /api/auth/logout')!;

    await Promise.all(
      CREDENTIALS.map(async (cred, i) => {
        // Each credential comes from its own address (X-Forwarded-For through the
        // trusted load balancer), so the login limiter (10 a minute per address) never answers for the door.
        const headers = { ...cred.headers(s.url), 'x-forwarded-for': `198.51.100.${i + 1}` };
        const check = (label: string, access: Access, status: number, verb?: string) => {
          requests++;
          if (verb) byVerb.push({ verb, transport: label.startsWith('tRPC') ? 'trpc' : 'rest', credential: cred.name, outcome: outcomeOf(status) });
          statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
          // A fault at the door is not an answer to who may pass.
          if (status >= 500) mismatches.push(`${cred.name} → ${label}: answered ${status}`);
          const want = expected(access, cred);
          if (outcomeOf(status) !== want) mismatches.push(`${cred.name} → ${label}: expected ${want}, got ${status}`);
        };
        const http = async (c: HttpCase) => {
          const [method, path] = c.route.split(' ') as [string, string];
          const res = await lbFetch(`${s.url}${c.url ?? path}`, {
            method,
            headers: c.body === undefined ? headers : { 'content-type': 'application/json', ...headers },
            ...(c.body === undefined ? {} : { body: JSON.stringify(c.body) }),
          });
          await res.arrayBuffer();
          const verb = c.verb ?? REST_ROUTES.find((r) => routeKey(r) === c.route)?.declaration.verb.action;
          check(`${c.route}${c.variant ? ` [${c.variant}]` : ''}`, c.access, res.status, verb);
        };
        for (const c of httpCases) await http(c);
        for (const [path, c] of Object.entries(TRPC_CASES)) {
          const type = procedures[path]!._def.type as 'query' | 'mutation' | 'subscription';
          const res = await callTrpc(s.url, path, type, c.input, headers);
          await res.arrayBuffer();
          check(`tRPC ${type} ${path}`, c.access, res.status, (procedures[path]!._def.meta as TrpcMeta | undefined)?.verb);
        }
        await http(logout);
      }),
    );

    const rows = httpCases.length + 1 + Object.keys(TRPC_CASES).length;
    console.log(
      `[authorization matrix ${driver}] ${rows} routes/procedures × ${CREDENTIALS.length} credentials = ${requests} requests ` +
        `in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(requests).toBe(rows * CREDENTIALS.length);
    expect(mismatches).toEqual([]);
    // Every verb that both transports call lets exactly the same credentials through on each (issue "One rule, one place").
    const verbsOn = (t: 'rest' | 'trpc') => new Set(byVerb.filter((v) => v.transport === t).map((v) => v.verb));
    const shared = [...verbsOn('rest')].filter((v) => verbsOn('trpc').has(v)).sort();
    const doorOf = (verb: string, t: 'rest' | 'trpc') =>
      Object.fromEntries(byVerb.filter((v) => v.verb === verb && v.transport === t).map((v) => [v.credential, v.outcome]));
    for (const verb of shared) expect({ verb, rest: doorOf(verb, 'rest') }).toEqual({ verb, rest: doorOf(verb, 'trpc') });
    console.log(`[authorization matrix ${driver}] verbs on both transports, same door on each: ${shared.join(', ')}`);
    expect(shared.length).toBeGreaterThanOrEqual(12);
    // The allowed force syncs reached (fake) Opal with its key: the doors opened onto real work.
    expect(opal.requests.length).toBeGreaterThan(0);
  });

  it('takes a webhook on its signature alone: any secret of the rotation list, never an API key or session', async () => {
    const secrets = s.config.webhook.secrets;
    for (const secret of secrets) expect((await postOsa(s.url, secret, makeEvent(), { headers: { ...LB_HEADERS } })).status).toBe(202);
    const admin = await signIn(s.url, ADMIN_EMAIL, ADMIN_PASSWORD, { 'x-forwarded-for': '198.51.100.200' });
    for (const credential of [{ authorization: `Bearer ${API_KEYS[3].key}` }, consoleHeaders(s.url, admin.token)]) {
      const headers = { ...LB_HEADERS, ...credential };
      expect((await postOsa(s.url, key('not-the-secret'), makeEvent(), { headers })).status).toBe(401);
      expect((await postRaw(s.url, JSON.stringify(makeEvent()), { 'content-type': 'application/json', ...headers })).status).toBe(401);
    }
  });

  it('opens the Opal tool call to the tool token only; the token opens nothing else', async () => {
    const send = (token: string | undefined, body: unknown) =>
      lbFetch(`${s.url}/api/opal/tools/send_workflow_event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    expect(await send(TOOL_TOKEN_VALUE, { parameters: makeEvent() })).toBe(202);
    expect(await send(TOOL_TOKEN_VALUE, { nothing: true })).toBe(400);
    expect(await send(`${TOOL_TOKEN_VALUE}x`, { parameters: makeEvent() })).toBe(401);
    expect(await send(API_KEYS[3].key, { parameters: makeEvent() })).toBe(401);
    expect(await send(undefined, { parameters: makeEvent() })).toBe(401);
  });
});
