import { expect, type APIRequestContext } from '@playwright/test';

/** tRPC over plain HTTP, as the signed-in browser context (its cookie). For arranging data, not for what a journey checks. */
export async function trpcMutation<T>(request: APIRequestContext, path: string, input: unknown): Promise<{ status: number; data: T | undefined }> {
  const res = await request.post(`/trpc/${path}`, { data: input });
  const body = (await res.json().catch(() => null)) as { result?: { data: T } } | null;
  return { status: res.status(), data: body?.result?.data };
}

export async function trpcQuery<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.get(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
  expect(res.status(), `GET /trpc/${path}`).toBe(200);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

/** Starts a force sync and waits until the simulator's callbacks complete its workflow. */
export async function completedForceSync(request: APIRequestContext, clientName: string): Promise<{ syncId: string; workflowId: string }> {
  return finishedForceSync(request, clientName, undefined, 'completed');
}

/**
 * A force sync with a simulator scenario (development only), e.g.
 * `{ fail_agents: ['geo_audit'] }`: those agents report `agent.failed`. The
 * e2e server's failure rate is 0, so this is how a journey gets failures.
 */
export async function finishedForceSync(
  request: APIRequestContext,
  clientName: string,
  scenario?: Record<string, unknown>,
  expected: 'completed' | 'finished' = 'finished',
): Promise<{ syncId: string; workflowId: string }> {
  const started = await trpcMutation<{ sync_id: string; sync_details: { external_opal: { workflow_id: string } } }>(request, 'forceSync.start', {
    sync_scope: 'priority_platforms',
    client_context: { client_name: clientName },
    ...(scenario ? { metadata: { simulator_scenario: scenario } } : {}),
  });
  expect(started.status).toBe(200);
  const syncId = started.data!.sync_id;
  const done = expected === 'completed' ? ['completed'] : ['completed', 'failed', 'timed_out'];
  await expect
    .poll(async () => done.includes((await trpcQuery<{ status: string }>(request, 'forceSync.status', { syncId })).status), { timeout: 20_000 })
    .toBe(true);
  return { syncId, workflowId: started.data!.sync_details.external_opal.workflow_id };
}
