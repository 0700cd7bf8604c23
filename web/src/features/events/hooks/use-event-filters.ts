import type { LastWebhookQueryInput } from '@contracts/diagnostics';
import type { EventType } from '@contracts/webhook-event';
import { useUrlParams } from '../../../hooks/use-url-params';

export type EventStatusFilter = NonNullable<LastWebhookQueryInput['status']>;

/** The contract's lists, checked by the compiler both ways (a value added or removed fails the build) without shipping zod to this screen. */
export const STATUS_FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'failed', label: 'Failed' },
  { value: 'success', label: 'Succeeded' },
] as const satisfies readonly { value: EventStatusFilter; label: string }[];
type MissingStatus = Exclude<EventStatusFilter, (typeof STATUS_FILTERS)[number]['value']>;
const _statuses: [MissingStatus] extends [never] ? true : MissingStatus = true;

export const EVENT_TYPES = ['workflow.started', 'agent.started', 'agent.completed', 'agent.failed', 'workflow.completed', 'workflow.failed'] as const satisfies readonly EventType[];
type MissingType = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
const _types: [MissingType] extends [never] ? true : MissingType = true;

/** strategy_workflow's nine agents: suggestions for the agent filter (any other id may be typed). */
export const AGENTS = ['content_review', 'geo_audit', 'audience_suggester', 'experiment_blueprinter', 'personalization_idea_generator', 'roadmap_generator', 'integration_health', 'cmp_organizer', 'customer_journey'] as const;

export const SINCE = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;
export type Since = (typeof SINCE)[number]['value'];

const isStatus = (s: string): s is EventStatusFilter => STATUS_FILTERS.some((f) => f.value === s);
const isType = (s: string): s is EventType => (EVENT_TYPES as readonly string[]).includes(s);
const isSince = (s: string): s is Since => SINCE.some((x) => x.value === s);

/** `q` must be a JSON object (matched by containment); said here before the server is asked. */
export function parsePayloadQuery(text: string): { ok: true; value: string | undefined } | { ok: false; error: string } {
  const t = text.trim();
  if (!t) return { ok: true, value: undefined };
  try {
    const v: unknown = JSON.parse(t);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: 'Payload search is a JSON object, e.g. {"agent_data":{"score":3}}' };
    return { ok: true, value: t };
  } catch {
    return { ok: false, error: 'Not valid JSON. Payload search is a JSON object, e.g. {"agent_id":"geo_audit"}' };
  }
}

const KEYS = ['status', 'event_type', 'workflow_id', 'agent_id', 'since', 'start_date', 'end_date', 'q'] as const;

/**
 * The event log's filters, named as the diagnostics API names them
 * (`?status=failed&event_type=agent.failed&since=24h&q=…`), so a filtered
 * view survives a reload and can be shared. A time range is either a
 * sliding window (`since`) or fixed instants (`start_date`, `end_date`).
 */
export function useEventFilters() {
  const { values, cursor, update } = useUrlParams(KEYS);
  const status: EventStatusFilter = isStatus(values.status) ? values.status : 'all';
  const eventType: EventType | '' = isType(values.event_type) ? values.event_type : '';
  const since = isSince(values.since) ? values.since : '';
  const timeMode: 'any' | 'since' | 'custom' = since ? 'since' : values.start_date || values.end_date ? 'custom' : 'any';
  const payload = parsePayloadQuery(values.q);
  return {
    status,
    eventType,
    workflowId: values.workflow_id,
    agentId: values.agent_id,
    since,
    startDate: values.start_date,
    endDate: values.end_date,
    timeMode,
    q: values.q,
    payload,
    cursor,
    filtered: status !== 'all' || Boolean(eventType || values.workflow_id || values.agent_id || timeMode !== 'any' || values.q),
    update,
    setCursor: (c: string | null) => update({ cursor: c }, { keepCursor: true }),
    clear: () => update(Object.fromEntries(KEYS.map((k) => [k, null]))),
  };
}
export type EventFilters = ReturnType<typeof useEventFilters>;

/** The instants a sliding window stands for now (rounded to 30 s, so the query is not new every second). */
export function resolveTimeRange(f: Pick<EventFilters, 'since' | 'startDate' | 'endDate'>, now: number): { start_date?: string; end_date?: string } {
  if (f.since) {
    const span = SINCE.find((s) => s.value === f.since)!.ms;
    return { start_date: new Date(Math.floor(now / 30_000) * 30_000 - span).toISOString() };
  }
  return { ...(f.startDate ? { start_date: f.startDate } : {}), ...(f.endDate ? { end_date: f.endDate } : {}) };
}
