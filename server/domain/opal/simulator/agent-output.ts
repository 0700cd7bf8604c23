import type { StrategyAgent } from '../../../contracts/strategy-workflow';
import type { Random } from './seeded-random';

/**
 * Plausible `agent_data` for each agent, so the console has something real
 * looking to show. The text is fixed; only the score and how many items are
 * drawn from the run's PRNG, so a seeded run repeats exactly.
 */
const OUTPUT: Record<StrategyAgent, { summary: string; items: readonly [string, string, string] }> = {
  content_review: {
    summary: 'Reviewed site content for quality, freshness and brand fit',
    items: ['Refresh outdated product pages', 'Unify tone across landing pages', 'Add structured data to articles'],
  },
  geo_audit: {
    summary: 'Audited content for generative engine optimisation',
    items: ['Answer top questions in the first paragraph', 'Add FAQ schema to support pages', 'Cite sources on comparison pages'],
  },
  audience_suggester: {
    summary: 'Suggested audiences from behaviour and CRM attributes',
    items: ['High-intent returning visitors', 'Lapsed subscribers', 'Mobile-first first-time visitors'],
  },
  experiment_blueprinter: {
    summary: 'Drafted experiment blueprints for the top opportunities',
    items: ['Checkout trust badges A/B test', 'Hero copy multivariate test', 'Pricing page layout test'],
  },
  personalization_idea_generator: {
    summary: 'Generated personalisation ideas per audience',
    items: ['Recommended products for returning visitors', 'Localised hero for regional traffic', 'Win-back offer for lapsed subscribers'],
  },
  roadmap_generator: {
    summary: 'Built a quarterly optimisation roadmap',
    items: ['Q1: content fixes and quick wins', 'Q2: experimentation programme', 'Q3: personalisation at scale'],
  },
  integration_health: {
    summary: 'Checked the health of connected integrations',
    items: ['CMS connection healthy', 'Analytics events flowing', 'CDP sync lagging by 2 hours'],
  },
  cmp_organizer: {
    summary: 'Organised campaigns and assets in CMP',
    items: ['Grouped assets by campaign', 'Tagged untagged briefs', 'Archived stale tasks'],
  },
  customer_journey: {
    summary: 'Mapped the main customer journeys and their drop-offs',
    items: ['Drop-off between cart and checkout', 'Search to product page friction', 'Onboarding email gap in week 2'],
  },
};

export interface AgentData {
  summary: string;
  /** 60..100: a simulated quality score. */
  score: number;
  items: string[];
  simulated: true;
}

export function agentData(agent: StrategyAgent, random: Random): AgentData {
  const out = OUTPUT[agent];
  const score = 60 + random.int(41);
  const count = 1 + random.int(3);
  return { summary: out.summary, score, items: out.items.slice(0, count), simulated: true };
}
