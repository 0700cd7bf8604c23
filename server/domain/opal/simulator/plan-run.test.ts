import { describe, expect, it } from 'vitest';
import { STRATEGY_AGENTS } from '../../../contracts/strategy-workflow';
import { planRun, type PlanInput } from './plan-run';
import { createRandom } from './seeded-random';

const plan = (over: Partial<PlanInput> = {}) =>
  planRun({ workflowId: 'wf', sessionId: 'sess', scenario: {}, failureRate: 0, random: createRandom(1), metadata: {}, ...over });

describe('planRun', () => {
  it('plans 20 events with offsets equal to their position and delivers them in order', () => {
    const p = plan();
    expect(p.events).toHaveLength(20);
    expect(p.events.map((e) => e.offset)).toEqual([...Array(20).keys()]);
    expect(p.deliveryOrder).toEqual([...Array(20).keys()]);
    expect(p.events.map((e) => e.event_id)).toEqual(p.events.map((e) => `wf:${e.offset}`));
    expect(p.lateOffset).toBeUndefined();
    expect(p.duplicate).toBe(false);
  });

  it('forcing an agent to fail does not change the draws of the others', () => {
    const free = plan({ failureRate: 0.5, random: createRandom(5) });
    const forced = plan({ failureRate: 0.5, random: createRandom(5), scenario: { fail_agents: ['content_review'] } });
    const others = (p: typeof free) => p.failedAgents.filter((a) => a !== 'content_review');
    expect(others(forced)).toEqual(others(free));
    expect(forced.failedAgents).toContain('content_review');
    const agentData = (p: typeof free) => p.events.filter((e) => e.event_type === 'agent.completed' && e.agent_id !== 'content_review').map((e) => e.agent_data);
    expect(agentData(forced)).toEqual(agentData(free));
  });

  it('late_callback moves exactly one agent completion to the end', () => {
    for (let seed = 0; seed < 50; seed++) {
      const p = plan({ random: createRandom(seed), scenario: { late_callback: true } });
      const late = p.lateOffset!;
      expect(p.events[late]!.event_type).toBe('agent.completed');
      expect(p.deliveryOrder.at(-1)).toBe(late);
      expect(p.deliveryOrder.at(-2)).toBe(19);
      expect([...p.deliveryOrder].sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    }
  });

  it('stop_after cuts the delivery order, not the plan', () => {
    expect(plan({ scenario: { stop_after: 0 } }).deliveryOrder).toEqual([]);
    const p = plan({ scenario: { stop_after: 5, late_callback: true } });
    expect(p.deliveryOrder).toEqual([0, 1, 2, 3, 4].filter((o) => o !== p.lateOffset).concat(p.lateOffset! < 5 ? [5] : []));
    expect(p.events).toHaveLength(20);
  });

  it('fails every agent at rate 1 and none at rate 0, and the workflow still completes', () => {
    expect(plan({ failureRate: 1 }).failedAgents).toEqual([...STRATEGY_AGENTS]);
    expect(plan({ failureRate: 1 }).events.at(-1)!.event_type).toBe('workflow.completed');
    expect(plan({ failureRate: 0 }).failedAgents).toEqual([]);
    expect(plan({ scenario: { workflow_failure: true } }).events.at(-1)).toMatchObject({ event_type: 'workflow.failed', offset: 19 });
  });
});
