/** The only workflow this product may trigger, and its nine agents (DESIGN.md). */
export const STRATEGY_WORKFLOW = 'strategy_workflow';

export const STRATEGY_AGENTS = [
  'content_review',
  'geo_audit',
  'audience_suggester',
  'experiment_blueprinter',
  'personalization_idea_generator',
  'roadmap_generator',
  'integration_health',
  'cmp_organizer',
  'customer_journey',
] as const;

export type StrategyAgent = (typeof STRATEGY_AGENTS)[number];

const known = new Set<string>(STRATEGY_AGENTS);
export const isStrategyAgent = (agentId: string): agentId is StrategyAgent => known.has(agentId);
