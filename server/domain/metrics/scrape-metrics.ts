import { defineVerb } from '../access/define-verb';
import { ACCESS } from '../../contracts/roles';
import type { Ctx } from '../context';
import { getMetrics } from './get-metrics';

/** Scrapers come every 15–60 s; several at once share one read of the database. */
const REFRESH_MS = 10_000;

/**
 * `GET /metrics`: this process's counters, histograms and state (its Opal
 * circuit, its database probes), plus the cluster-wide 24-hour figures of
 * the metrics service as gauges. A database
 * that cannot be read does not fail the scrape: the process metrics are
 * still worth having, and `opal_metrics_database_up` says 0.
 */
export const scrapeMetrics = defineVerb({
  action: 'metrics.scrape',
  access: ACCESS.read,
  run: async function scrapeMetrics({ ctx }: { ctx: Ctx }): Promise<{ contentType: string; body: string }> {
    const t = ctx.telemetry;
    const now = ctx.now();
    t.setProcessState({ circuit: ctx.opal.client.circuitState(), probes: ctx.dbHealth.snapshot() });
    if (now - t.gaugesRefreshedAt >= REFRESH_MS || now < t.gaugesRefreshedAt) {
      try {
        t.setClusterGauges(await getMetrics({ ctx, input: { range: '24h' } }), now);
      } catch (e) {
        ctx.logger.warn({ err: e }, 'could not read the metrics figures for a scrape');
        t.setClusterGauges(null, now);
      }
    }
    return { contentType: t.registry.contentType, body: await t.registry.metrics() };
  },
});
