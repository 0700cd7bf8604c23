import type { EventType, ExecutionStatus } from '../../../contracts/webhook-event';
import { STRATEGY_AGENTS, type StrategyAgent } from '../../../contracts/strategy-workflow';
import { agentData } from './agent-output';
import type { Random } from './seeded-random';
import type { SimulatorScenario } from './simulator-scenario';

/**
 * What one simulated run of strategy_workflow will send, decided up front and
 * without I/O: every random draw of a run happens here, at trigger time, in a
 * fixed order. That is what makes a seeded run repeat exactly, whatever the
 * network does afterwards (retries, slow receivers, other runs in parallel).
 */

/** A callback body, minus `timestamp`, which is stamped when it is sent. */
export interface SimEventBody {
  event_type: EventType;
  workflow_id: string;
  agent_id?: string;
  offset: number;
  event_id: string;
  execution_status?: ExecutionStatus;
  agent_data?: unknown;
  error?: string;
  metadata: Record<string, unknown>;
}

export interface RunPlan {
  workflowId: string;
  sessionId: string;
  /** All events of the run, in offset order (index === offset). */
  events: SimEventBody[];
  /** Offsets in the order they are delivered; `stop_after` already applied. */
  deliveryOrder: number[];
  /** Offset of the completion held back until the end (`late_callback`). */
  lateOffset: number | undefined;
  /** Send each callback twice (`duplicate_callbacks`). */
  duplicate: boolean;
  failedAgents: StrategyAgent[];
}

export interface PlanInput {
  workflowId: string;
  sessionId: string;
  scenario: SimulatorScenario;
  failureRate: number;
  random: Random;
  /** Copied into every event's `metadata` (correlation id, sync id). */
  metadata: Record<string, unknown>;
}

export function planRun(input: PlanInput): RunPlan {
  const { workflowId, sessionId, scenario, failureRate, random } = input;
  const forced = new Set(scenario.fail_agents ?? []);
  const metadata = { source: 'opal-simulator', session_id: sessionId, ...input.metadata };
  const events: SimEventBody[] = [];
  const event = (body: Omit<SimEventBody, 'workflow_id' | 'offset' | 'event_id' | 'metadata'>) => {
    const offset = events.length;
    events.push({ ...body, workflow_id: workflowId, offset, event_id: `${workflowId}:${offset}`, metadata });
  };

  event({ event_type: 'workflow.started' });
  const failedAgents: StrategyAgent[] = [];
  const agentTerminalOffsets: number[] = [];
  for (const agent of STRATEGY_AGENTS) {
    // Drawn for every agent, forced or not, so adding an agent to
    // fail_agents does not shift the draws of the agents after it.
    const roll = random.next();
    const data = agentData(agent, random);
    event({ event_type: 'agent.started', agent_id: agent });
    agentTerminalOffsets.push(events.length);
    if (forced.has(agent) || roll < failureRate) {
      failedAgents.push(agent);
      const why = forced.has(agent) ? 'simulator_scenario.fail_agents' : 'OPAL_SIMULATOR_FAILURE_RATE';
      event({
        event_type: 'agent.failed',
        agent_id: agent,
        execution_status: 'failure',
        error: `Simulated failure: ${agent} did not finish (${why})`,
      });
    } else {
      event({ event_type: 'agent.completed', agent_id: agent, execution_status: 'success', agent_data: data });
    }
  }
  // An agent failing does not fail Opal's workflow; only the scenario does.
  if (scenario.workflow_failure) {
    event({
      event_type: 'workflow.failed',
      execution_status: 'failure',
      error: 'Simulated workflow failure (simulator_scenario.workflow_failure)',
    });
  } else {
    event({
      event_type: 'workflow.completed',
      agent_data: { agents_completed: STRATEGY_AGENTS.length - failedAgents.length, agents_failed: failedAgents.length },
    });
  }

  let lateOffset: number | undefined;
  let deliveryOrder = events.map((e) => e.offset);
  if (scenario.late_callback) {
    lateOffset = agentTerminalOffsets[random.int(agentTerminalOffsets.length)]!;
    deliveryOrder = [...deliveryOrder.filter((o) => o !== lateOffset), lateOffset];
  }
  if (scenario.stop_after !== undefined) deliveryOrder = deliveryOrder.slice(0, scenario.stop_after);

  return {
    workflowId,
    sessionId,
    events,
    deliveryOrder,
    lateOffset,
    duplicate: scenario.duplicate_callbacks === true,
    failedAgents,
  };
}
