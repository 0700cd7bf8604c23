import { ACCESS } from '../../contracts/roles';
import { type ActorCtx, defineVerb } from '../access/define-verb';
import type { ConfigurationReport } from '../../contracts/diagnostics';
import { withDeadline } from '../../db/db-errors';

type CheckStatus = ConfigurationReport['status'];

const worst = (statuses: CheckStatus[]): CheckStatus =>
  statuses.includes('failed') ? 'failed' : statuses.includes('warning') ? 'warning' : 'ok';

/**
 * `{"action":"test_configuration"}`: the configuration checks made at
 * start-up (no secret values), a live database round trip and Opal's
 * circuit, each reported. A check that only production enforces is a
 * warning elsewhere, as at start-up.
 */
export const testConfiguration = defineVerb({
  action: 'diagnostics.test_configuration',
  access: ACCESS.operate,
  run: async function testConfiguration({ ctx }: { ctx: ActorCtx }): Promise<ConfigurationReport> {
    const checks: ConfigurationReport['checks'] = ctx.configChecks.map((c) => ({
      name: c.variable,
      status: c.ok ? 'ok' : ctx.config.isProduction ? 'failed' : 'warning',
      message: c.message,
    }));

    const started = performance.now();
    let database: ConfigurationReport['database'];
    try {
      await withDeadline(ctx.database.ping(), 3000);
      database = { reachable: true, driver: ctx.database.driver, latency_ms: Math.round((performance.now() - started) * 10) / 10 };
    } catch (e) {
      // The driver's text may carry a host name or user: only whether it timed out is said.
      const error = e instanceof Error && /did not answer/.test(e.message) ? e.message : 'the database could not be reached';
      database = { reachable: false, driver: ctx.database.driver, latency_ms: null, error };
    }
    checks.push({
      name: 'database',
      status: database.reachable ? 'ok' : 'failed',
      message: database.reachable ? `${database.driver} answered in ${database.latency_ms} ms` : `${database.driver}: ${database.error}`,
    });

    const circuit = ctx.opal.client.stats();
    checks.push({
      name: 'opal',
      status: circuit.state === 'closed' ? 'ok' : circuit.state === 'half_open' ? 'warning' : 'failed',
      message:
        `${ctx.opal.mode === 'live' ? 'live Opal' : 'built-in simulator'}; circuit ${circuit.state}` +
        (circuit.state === 'closed' ? '' : ` since ${circuit.openedAt ?? 'unknown'}: calls are refused at once until a probe succeeds`),
    });

    const report: ConfigurationReport = {
      status: worst(checks.map((c) => c.status)),
      checks,
      database,
      opal: { mode: ctx.opal.mode, circuit },
    };
    ctx.audit.record({
      actor: ctx.actor.name,
      action: 'diagnostics.test_configuration',
      outcome: report.status === 'failed' ? 'failure' : 'success',
      target: 'configuration',
      details: { status: report.status, failed: checks.filter((c) => c.status === 'failed').map((c) => c.name) },
      sourceIp: ctx.sourceIp,
      correlationId: ctx.correlationId,
    });
    return report;
  },
});
