import type { Ctx } from '../context';
import { type AlertRules, resolveAlertRules } from './alert-rules';
import { deliverAlertNotifications } from './deliver-alert-notifications';
import { evaluateAlerts } from './evaluate-alerts';

export const ALERT_JOB_NAME = 'alerts.evaluate';

export interface AlertJobOptions {
  /**
   * The rules in force (`resolveAlertRules()`, the default). Their
   * `database_connection` rule is DatabaseHealth's, given to it where it is
   * constructed: give both the same table.
   */
  rules?: AlertRules;
  everyMs?: number;
}

/**
 * Registers alert evaluation with the cluster scheduler (once per cluster,
 * every minute). The evaluation's writes come first; notifications are sent
 * after them, so a slow alert webhook never delays the verdicts. (This
 * process's in-memory database probe is `ctx.dbHealth`, started and stopped
 * with the server.)
 */
export function registerAlertJobs(ctx: Ctx, options: AlertJobOptions = {}): void {
  const rules = options.rules ?? resolveAlertRules();
  const everyMs = options.everyMs ?? 60_000;
  ctx.scheduler.register({
    name: ALERT_JOB_NAME,
    everyMs,
    // Covers the evaluation plus notifications (3 tries of 5 s with back-off) with room to spare.
    leaseMs: Math.max(2 * everyMs, 60_000),
    run: async () => {
      const evaluation = await evaluateAlerts({ ctx, input: { now: new Date(ctx.now()), rules } });
      const notifications = await deliverAlertNotifications({ ctx, input: { now: new Date(ctx.now()) } });
      return {
        firing: evaluation.firing,
        changes: evaluation.changes.filter((c) => c.change === 'fired' || c.change === 'resolved').map((c) => ({ rule: c.rule, change: c.change })),
        notifications,
      };
    },
  });
}
