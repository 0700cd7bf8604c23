import type { AlertRuleName } from '../../contracts/alerts';
import type { Ctx } from '../context';
import { type AlertRules, DEFAULT_ALERT_RULES, THRESHOLD_RULE_NAMES, type ThresholdRule } from './alert-rules';
import { type FiringAlert, loadFiringAlerts, refreshFiring, resolveFiring, storeFiring } from './alert-store';
import { gatherAlertFigures } from './gather-alert-figures';
import { endExpiredSilences } from './silence-store';
import { judgeAlertRules, type RuleJudgement } from './judge-alert-rules';

export type AlertChangeKind =
  /** A new firing was stored. */
  | 'fired'
  /** Another process stored the same firing first. */
  | 'already_firing'
  | 'still_firing'
  /** Firing, with too little data to judge: kept until data or the no-data limit. */
  | 'held'
  | 'resolved'
  | 'ok'
  | 'insufficient_data';

export interface AlertChange {
  rule: AlertRuleName;
  change: AlertChangeKind;
  alert_id: string | null;
  value: number | null;
  message: string;
}

export interface EvaluateAlertsResult {
  evaluated_at: string;
  changes: AlertChange[];
  /** The rules firing after this evaluation. */
  firing: AlertRuleName[];
}

/**
 * One evaluation of every threshold rule at `now`: gathers the figures,
 * judges each rule against its current state (hysteresis) and writes what
 * changed. Run once per cluster by the scheduler; safe to run concurrently
 * all the same (the unique firing index and conditional resolves decide).
 * The database-connection rule is judged by each process in memory
 * (DatabaseHealth); here only a firing its owner never resolved is closed.
 */
export async function evaluateAlerts({ ctx, input }: { ctx: Ctx; input: { now: Date; rules?: AlertRules } }): Promise<EvaluateAlertsResult> {
  const { now } = input;
  const rules = input.rules ?? DEFAULT_ALERT_RULES;
  // Silences that ran out are recorded first, so what still fires is announced again by this run's delivery.
  await endExpiredSilences(ctx.db, now);
  const firing = await loadFiringAlerts(ctx.db);
  const figures = await gatherAlertFigures({ ctx, input: { now, rules } });
  const judgements = judgeAlertRules(rules, figures, new Set(firing.keys()), now);

  const changes: AlertChange[] = [];
  for (const name of THRESHOLD_RULE_NAMES) {
    changes.push(await apply(ctx, name, rules[name], judgements[name], firing.get(name), now));
  }
  const stale = await closeStaleDatabaseAlert(ctx, rules, firing.get('database_connection'), now);
  if (stale) changes.push(stale);

  const nowFiring = new Set<AlertRuleName>();
  for (const c of changes) if (c.change === 'fired' || c.change === 'already_firing' || c.change === 'still_firing' || c.change === 'held') nowFiring.add(c.rule);
  if (firing.has('database_connection') && !stale) nowFiring.add('database_connection');
  for (const c of changes) {
    if (c.change === 'fired') ctx.logger.warn({ alert: c.rule, value: c.value }, `alert firing: ${c.message}`);
    if (c.change === 'resolved') ctx.logger.info({ alert: c.rule, value: c.value }, `alert resolved: ${c.message}`);
  }
  return { evaluated_at: now.toISOString(), changes, firing: [...nowFiring] };
}

async function apply(
  ctx: Ctx,
  name: AlertRuleName,
  rule: ThresholdRule,
  j: RuleJudgement,
  current: FiringAlert | undefined,
  now: Date,
): Promise<AlertChange> {
  const change = (kind: AlertChangeKind, id: string | null, message = j.message, value = j.value): AlertChange => ({
    rule: name,
    change: kind,
    alert_id: id,
    value,
    message,
  });

  if (!current) {
    if (j.state !== 'firing') return change(j.state, null);
    const id = await storeFiring(ctx.db, {
      rule: name,
      severity: rule.severity,
      judgement: j,
      firedAt: now,
      evaluatedAt: now,
      details: { last_data_at: now.toISOString(), worst_value: j.value },
    });
    return change(id ? 'fired' : 'already_firing', id);
  }

  if (j.state === 'firing') {
    await refreshFiring(ctx.db, current.id, {
      message: j.message,
      value: j.value,
      details: { ...j.details, last_data_at: now.toISOString(), worst_value: worse(rule, current.details.worst_value, j.value) },
      evaluatedAt: now,
    });
    return change('still_firing', current.id);
  }

  if (j.state === 'ok') {
    const resolved = await resolveFiring(ctx.db, current, { at: now, value: j.value, message: j.message, reason: 'recovered' });
    return change(resolved ? 'resolved' : 'ok', current.id);
  }

  // Too little data: a firing alert needs evidence to recover, but not forever.
  const lastDataAt = typeof current.details.last_data_at === 'string' ? Date.parse(current.details.last_data_at) : current.firedAt.getTime();
  if (now.getTime() - lastDataAt >= rule.resolveWithoutDataAfterMs) {
    const message = `Resolved without data: ${j.message}`;
    const resolved = await resolveFiring(ctx.db, current, { at: now, value: null, message, reason: 'no_data' });
    return change(resolved ? 'resolved' : 'ok', current.id, message, null);
  }
  await refreshFiring(ctx.db, current.id, { details: { ...current.details, held_because: j.message }, evaluatedAt: now });
  return change('held', current.id, j.message, current.value);
}

/**
 * A database-connection firing is stored and resolved by the process that
 * saw the outage. If that process died in between, the row would stay
 * firing: once it has gone unrefreshed for a while and this process can
 * reach the database (it just did) without an outage of its own, close it.
 */
async function closeStaleDatabaseAlert(ctx: Ctx, rules: AlertRules, current: FiringAlert | undefined, now: Date): Promise<AlertChange | null> {
  if (!current) return null;
  const staleAfterMs = Math.max(60_000, 3 * rules.database_connection.probeEveryMs * rules.database_connection.successesToResolve);
  if (now.getTime() - current.lastEvaluatedAt.getTime() < staleAfterMs || ctx.dbHealth.hasOpenIncident()) return null;
  const message = 'The database answers; the process that stored this alert did not resolve it, so evaluation closed it.';
  const resolved = await resolveFiring(ctx.db, current, { at: now, value: 0, message, reason: 'stale' });
  return resolved ? { rule: 'database_connection', change: 'resolved', alert_id: current.id, value: 0, message } : null;
}

function worse(rule: ThresholdRule, previous: unknown, value: number | null): number | null {
  if (value === null) return typeof previous === 'number' ? previous : null;
  if (typeof previous !== 'number') return value;
  return rule.bad === 'above' ? Math.max(previous, value) : Math.min(previous, value);
}
