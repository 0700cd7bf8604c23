import { randomUUID } from 'node:crypto';
import { expect, type APIRequestContext } from '@playwright/test';
import { signOsa } from '../../server/domain/webhooks/signature/osa-signature';

/**
 * The shared secret the e2e server verifies webhooks with: playwright.config.ts
 * puts it in the environment the global setup starts the server with, so
 * journeys can deliver signed callbacks as Opal does.
 */
export const E2E_WEBHOOK_SECRET = 'e2e-webhook-secret-for-signed-journey-deliveries';

/** Posts a body signed with the OSA scheme; answers the status and the event id named. */
export async function deliverOsa(request: APIRequestContext, body: string): Promise<{ status: number; eventId: string }> {
  const res = await request.post('/api/webhooks/opal-workflow', {
    headers: { 'content-type': 'application/json', 'x-osa-signature': signOsa({ secret: E2E_WEBHOOK_SECRET, rawBody: body, timestampMs: Date.now() }) },
    data: body,
  });
  const answer = (await res.json()) as { event_id?: string };
  expect(answer.event_id, `webhook answer ${res.status()}`).toBeTruthy();
  return { status: res.status(), eventId: answer.event_id! };
}

export function workflowEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> & { workflow_id: string } {
  return {
    event_type: 'workflow.started',
    workflow_id: `wf-e2e-${randomUUID()}`,
    offset: 0,
    timestamp: new Date().toISOString(),
    event_id: randomUUID(),
    ...overrides,
  };
}
