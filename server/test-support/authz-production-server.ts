/**
 * A production-mode server for the security tests: the Config comes from
 * loadConfig over a complete production environment (so every production
 * rule holds, as it would at start-up), then runs on startTestServer's real
 * server and own database. Plus what the console does to sign in and call
 * tRPC, so the tests go through the same doors a browser does.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiKeyRole, ConfigCheck } from '../config/config';
import { loadConfig } from '../config/config';
import type { DriverName } from '../db/database';
import { SESSION_COOKIE } from '../http/session-cookie';
import { appRouter } from '../trpc/app-router';
import { startTestServer, type TestServer } from './test-server';

export interface ProductionSettings {
  authKey: string;
  toolToken: string;
  webhookSecrets: string[];
  apiKeys: { name: string; role: ApiKeyRole; key: string }[];
  adminEmail: string;
  adminPassword: string;
  /** Loopback http is allowed in production (the fake Opal). */
  opalWebhookUrl: string;
  alertWebhookUrl?: string;
}

/**
 * Production sits behind a TLS-terminating load balancer on this host
 * (TRUST_PROXY=loopback): it tells the server the request came over https,
 * and X-Forwarded-For names the client. Every request of these tests carries it.
 */
export const LB_HEADERS: Readonly<Record<string, string>> = { 'x-forwarded-proto': 'https' };

/** fetch as the load balancer forwards it. */
export function lbFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...LB_HEADERS, ...(init.headers as Record<string, string> | undefined) } });
}

/** Every variable production requires, nothing it refuses (no simulator settings). */
export function productionEnv(p: ProductionSettings): Record<string, string> {
  return {
    NODE_ENV: 'production',
    BASE_URL: 'https://force-sync.security.test',
    DATA_DIR: join(tmpdir(), `opal-force-sync-security-${randomUUID()}`),
    OPAL_WEBHOOK_URL: p.opalWebhookUrl,
    OPAL_STRATEGY_WORKFLOW_AUTH_KEY: p.authKey,
    OPAL_WORKSPACE_ID: 'ws-security-test',
    OPAL_TOOL_TOKEN: p.toolToken,
    OSA_WEBHOOK_SHARED_SECRET: p.webhookSecrets.join(','),
    API_KEYS: p.apiKeys.map((k) => `${k.name}:${k.role}:${k.key}`).join(','),
    ADMIN_EMAIL: p.adminEmail,
    ADMIN_PASSWORD: p.adminPassword,
    TRUST_PROXY: 'loopback',
    // Each test server's close() stops at once.
    SHUTDOWN_DRAIN_MS: '0',
    ...(p.alertWebhookUrl ? { ALERT_WEBHOOK_URL: p.alertWebhookUrl } : {}),
  };
}

export interface ProductionServer {
  server: TestServer;
  checks: ConfigCheck[];
}

/** Throws ConfigError, as start-up would, when the environment is not a valid production one. */
export async function startProductionServer(driver: DriverName, env: Record<string, string>): Promise<ProductionServer> {
  const { config, checks } = loadConfig(env, { persistDevSecrets: false });
  if (!config.isProduction) throw new Error('not a production configuration');
  const server = await startTestServer(driver, { ...config, port: 0, host: '127.0.0.1' });
  // startServer shows the checks loadConfig made (GET /api/opal/sync, test_configuration), as main.ts passes them.
  server.ctx.configChecks.push(...checks);
  return { server, checks };
}

/** The headers the console's same-origin fetch sends with its session cookie (the page is served over https). */
export function consoleHeaders(url: string, token: string): Record<string, string> {
  return {
    cookie: `${SESSION_COOKIE}=${token}`,
    origin: `https://${new URL(url).host}`,
    'sec-fetch-site': 'same-origin',
    'content-type': 'application/json',
    accept: 'application/json',
  };
}

/** Signs in through POST /api/auth/login and returns the session token from Set-Cookie. */
export async function signIn(url: string, email: string, password: string, headers: Record<string, string> = {}): Promise<{ token: string; response: Response }> {
  const response = await lbFetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const cookie = response.headers.get('set-cookie') ?? '';
  const token = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(cookie)?.[1];
  if (response.status !== 200 || !token) throw new Error(`sign-in of ${email} answered ${response.status}`);
  return { token, response };
}

/** Every tRPC procedure by its dotted path (kept flat at runtime, unlike its type), with its kind. */
export const TRPC_PROCEDURES = appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' | 'subscription'; meta?: unknown } }>;

/** Calls a tRPC procedure as the console's non-batched link would: a query is GET ?input=, a mutation POSTs JSON. */
export function callTrpc(
  url: string,
  path: string,
  type: 'query' | 'mutation' | 'subscription',
  input: unknown,
  headers: Record<string, string>,
): Promise<Response> {
  if (type === 'subscription') return openTrpcStream(url, path, input, headers);
  if (type === 'query') {
    const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return lbFetch(`${url}/trpc/${path}${query}`, { headers });
  }
  // A JSON POST must carry JSON: no input is sent as {} (the console's batch link does the same).
  return lbFetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input ?? {}),
  });
}

/**
 * A subscription as httpSubscriptionLink opens it (GET ?input=, an event
 * stream). A stream never ends by itself: what arrived up to the first
 * complete event is the answer's body, and the stream is then closed.
 */
async function openTrpcStream(url: string, path: string, input: unknown, headers: Record<string, string>): Promise<Response> {
  const aborter = new AbortController();
  const res = await lbFetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { accept: 'text/event-stream', ...headers }, signal: aborter.signal });
  if (!res.headers.get('content-type')?.startsWith('text/event-stream') || !res.body) return res;
  const reader = res.body.getReader();
  let text = '';
  const decoder = new TextDecoder();
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  aborter.abort();
  return new Response(text, { status: res.status, headers: res.headers });
}

/** Creates a console user through tRPC users.create, signed in as an admin. */
export async function createConsoleUser(
  url: string,
  adminToken: string,
  user: { email: string; password: string; role: 'viewer' | 'operator' | 'admin' },
): Promise<void> {
  const res = await callTrpc(url, 'users.create', 'mutation', user, consoleHeaders(url, adminToken));
  if (res.status !== 200) throw new Error(`users.create answered ${res.status}`);
}
