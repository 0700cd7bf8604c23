import { z } from 'zod';
import { isStrategyAgent } from '../../../contracts/strategy-workflow';

/**
 * Development-only knobs a caller may send in `metadata.simulator_scenario`
 * to make the simulator misbehave on purpose (see README.md). Real Opal has
 * no such field; the simulator ignores it unless `allowScenarios` is set.
 */
export interface SimulatorScenario {
  /** These agents fail (agent.failed with an error text). */
  fail_agents?: string[];
  /** The run ends with workflow.failed instead of workflow.completed. */
  workflow_failure?: boolean;
  /** Each callback is sent twice (the receiver must store it once). */
  duplicate_callbacks?: boolean;
  /** One agent's completion is delivered last, out of offset order. */
  late_callback?: boolean;
  /** Send only the first N callbacks, then go silent (time-out tests). */
  stop_after?: number;
  /** Answer the trigger call itself with this status and start nothing. */
  http_status?: number;
}

/*
 * Strict on purpose: a scenario is typed by a developer, and a typo such as
 * `fail_agent` or an agent id that does not exist should be a 400 that says
 * so, not a run that silently behaves normally.
 */
const scenarioSchema: z.ZodType<SimulatorScenario> = z.strictObject({
  fail_agents: z
    .array(z.string().refine(isStrategyAgent, 'is not one of the nine agents of strategy_workflow'))
    .max(9)
    .optional(),
  workflow_failure: z.boolean().optional(),
  duplicate_callbacks: z.boolean().optional(),
  late_callback: z.boolean().optional(),
  stop_after: z.int().min(0).max(1000).optional(),
  // Only failures: a 2xx without a workflow id would just be a broken Opal.
  http_status: z.int().min(400).max(599).optional(),
});

export type ScenarioParse =
  | { ok: true; scenario: SimulatorScenario }
  | { ok: false; fieldErrors: { path: string; message: string }[] };

/** `undefined` and `null` mean "no scenario". */
export function parseScenario(raw: unknown): ScenarioParse {
  if (raw === undefined || raw === null) return { ok: true, scenario: {} };
  const parsed = scenarioSchema.safeParse(raw);
  if (parsed.success) return { ok: true, scenario: parsed.data };
  return {
    ok: false,
    fieldErrors: parsed.error.issues.map((issue) => ({
      path: ['metadata', 'simulator_scenario', ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  };
}
