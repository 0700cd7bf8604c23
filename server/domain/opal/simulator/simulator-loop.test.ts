import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STRATEGY_AGENTS, STRATEGY_WORKFLOW } from '../../../contracts/strategy-workflow';
import { agentRuns, webhookEvents, workflows } from '../../../db/schema';
import { testDrivers } from '../../../test-support/test-database';
import { startTestServer, type TestServer } from '../../../test-support/test-server';
import { OpalSimulator, type SimulatorScenario } from './opal-simulator';

/*
 * The loop a fresh `npm start` shows: the simulator's callbacks go through
 * the real webhook route (signature, validation, dedup, projections) and the
 * workflow ends in the state its events report.
 */
describe.each(testDrivers)('the simulator against the real receiver on %s', (driver) => {
  let s: TestServer;
  let sim: OpalSimulator;
  beforeAll(async () => {
    s = await startTestServer(driver);
    sim = new OpalSimulator({
      secret: s.config.webhook.secrets[0]!,
      authKey: s.config.opal.authKey,
      delayMs: 2,
      failureRate: 0,
      allowScenarios: true,
      // Only an origin: the simulator adds the webhook route's path.
      callbackUrlOverride: () => s.url,
    });
  });
  afterAll(async () => {
    await sim?.stop();
    await s?.stop();
  });

  async function run(scenario: SimulatorScenario = {}) {
    const res = await sim.transport({
      url: 'http://simulator.invalid',
      headers: { authorization: `Bearer ${s.config.opal.authKey}`, 'content-type': 'application/json', 'x-correlation-id': 'loop-test' },
      body: JSON.stringify({
        workflow_name: STRATEGY_WORKFLOW,
        input_data: { client_name: 'Acme', industry: 'Retail', recipients: [], sync_scope: 'all', force_sync: true },
        metadata: { correlation_id: 'loop-test', simulator_scenario: scenario },
      }),
      signal: new AbortController().signal,
    });
    expect(res.status).toBe(200);
    const { workflow_id } = JSON.parse(res.bodyText) as { workflow_id: string };
    await vi.waitFor(() => expect(sim.activeRuns()).toBe(0), { timeout: 20_000, interval: 10 });
    await s.settle();
    const [wf] = await s.ctx.db.select().from(workflows).where(eq(workflows.workflowId, workflow_id));
    const agents = await s.ctx.db.select().from(agentRuns).where(eq(agentRuns.workflowId, workflow_id));
    const [stored] = await s.ctx.db.select({ n: count() }).from(webhookEvents).where(eq(webhookEvents.workflowId, workflow_id));
    return { workflowId: workflow_id, wf, agents, stored: stored!.n };
  }

  it('a run is stored and folds to a completed workflow with nine agents', async () => {
    const { wf, agents, stored } = await run({ fail_agents: ['geo_audit'] });
    expect(stored).toBe(20);
    expect(wf!.status).toBe('completed');
    expect(agents).toHaveLength(9);
    expect(agents.map((a) => a.agentId).sort()).toEqual([...STRATEGY_AGENTS].sort());
    expect(agents.filter((a) => a.status !== 'completed').map((a) => [a.agentId, a.status])).toEqual([['geo_audit', 'failed']]);
  });

  it('duplicates are stored once and a late completion still lands', async () => {
    const { workflowId, wf, agents, stored } = await run({ duplicate_callbacks: true, late_callback: true });
    expect(stored).toBe(20);
    expect(wf!.status).toBe('completed');
    expect(agents.every((a) => a.status === 'completed')).toBe(true);
    const processed = await s.ctx.db
      .select({ n: count() })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.workflowId, workflowId), eq(webhookEvents.processingStatus, 'processed')));
    expect(processed[0]!.n).toBe(20);
  });

  it('workflow_failure folds to a failed workflow', async () => {
    const { wf } = await run({ workflow_failure: true });
    expect(wf!.status).toBe('failed');
  });
});
