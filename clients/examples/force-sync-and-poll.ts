/**
 * A client of OPAL Force Sync, as a team would write one: start a force sync
 * (the runbook's call) and poll its status until the workflow has finished.
 * Every request and answer is typed by clients/opal-force-sync-api.d.ts,
 * generated from the server's OpenAPI document.
 *
 *   BASE_URL=http://localhost:3000 API_KEY=... npx tsx clients/examples/force-sync-and-poll.ts
 */
import createClient from 'openapi-fetch';
import { pathToFileURL } from 'node:url';
import type { paths } from '../opal-force-sync-api';

export type SyncStatus = paths['/api/opal/sync/{sync_id}']['get']['responses'][200]['content']['application/json'];

const FINISHED: readonly SyncStatus['status'][] = ['completed', 'failed', 'timed_out'];

export interface ForceSyncOptions {
  baseUrl: string;
  /** `Authorization: Bearer <key>`, for a server with API_KEYS (a key with the client role). */
  apiKey?: string;
  /** Give up (throw) when the workflow has not finished by then. */
  timeoutMs?: number;
  intervalMs?: number;
  /** Where progress goes, a line at each change. */
  print?: (line: string) => void;
}

/** Starts a force sync and returns its status once the workflow is completed, failed or timed out. */
export async function forceSyncAndPoll({ baseUrl, apiKey, timeoutMs = 120_000, intervalMs = 1_000, print = console.log }: ForceSyncOptions): Promise<SyncStatus> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: apiKey ? `Bearer ${apiKey}` : undefined } });

  const started = await client.POST('/api/opal/sync', {
    body: { sync_scope: 'priority_platforms', client_context: { client_name: 'Test Client', industry: 'Technology' } },
  });
  if (started.error) {
    const { error, message, correlation_id } = started.error;
    throw new Error(`POST /api/opal/sync answered ${started.response.status} ${error}: ${message} (correlation id ${correlation_id})`);
  }
  const { sync_id, sync_details } = started.data;
  const opal = sync_details.external_opal;
  print(`sync ${sync_id} started Opal workflow ${opal.workflow_id} (${opal.ai_agents_count} agents, ${opal.mode})`);

  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const polled = await client.GET('/api/opal/sync/{sync_id}', { params: { path: { sync_id } } });
    if (polled.error) {
      const { error, message } = polled.error;
      throw new Error(`GET /api/opal/sync/${sync_id} answered ${polled.response.status} ${error}: ${message}`);
    }
    const { status, progress } = polled.data;
    const line = `${status}: ${progress.agents_completed}/${progress.agents_total} agents completed, ${progress.agents_running} running, ${progress.agents_failed} failed`;
    if (line !== last) print((last = line));
    if (FINISHED.includes(status)) return polled.data;
    if (Date.now() + intervalMs > deadline) throw new Error(`sync ${sync_id} is still ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const final = await forceSyncAndPoll({ baseUrl: process.env.BASE_URL ?? 'http://localhost:3000', apiKey: process.env.API_KEY });
  if (final.status !== 'completed') process.exitCode = 1;
}
