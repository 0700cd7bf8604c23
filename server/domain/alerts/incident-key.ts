/**
 * The key a receiver groups an incident's notifications by (PagerDuty's
 * `dedup_key`, Opsgenie's `alias`): the firing and the recovery of one
 * incident carry the same key, and a later incident gets a new one.
 *
 * A stored alert's key is `<rule>:<alert id>`, unless the row names its own
 * (`details.incident_key`): a database outage is announced from memory
 * before any row exists, so its key cannot be a row's id.
 */
export function incidentKeyOf(alert: { id: string; rule: string; details: Record<string, unknown> }): string {
  const own = alert.details.incident_key;
  return typeof own === 'string' && own !== '' ? own : `${alert.rule}:${alert.id}`;
}

/**
 * A database outage's key: `<rule>:after:<id>`, the id being the last
 * stored alert of the rule that the process knew of when the outage began
 * (read every minute while the database answers). Every process that sees
 * one outage computes the same key without being able to ask anyone, and
 * the next outage gets a new key once this one is stored. `none` before the
 * first outage; `unknown` for a process that never reached the database.
 * No clock enters it, so processes whose probes fail seconds apart agree.
 */
export function outageIncidentKey(rule: string, previousOutageId: string | null | undefined): string {
  return `${rule}:after:${previousOutageId === undefined ? 'unknown' : (previousOutageId ?? 'none')}`;
}
