import { createHash, timingSafeEqual } from 'node:crypto';
import { STRATEGY_WORKFLOW } from '../../../contracts/strategy-workflow';
import { acceptTracestate, parseTraceparent, type TraceParent } from '../../../tracing/traceparent';
import { parseScenario, type SimulatorScenario } from './simulator-scenario';
import type { OpalHttpRequest, OpalHttpResponse } from './simulator-types';

/**
 * Checks a "start strategy_workflow" call the way Opal would, in Opal's
 * order: who is calling (401), can the body be read (415, 400), which
 * workflow (403), then the simulator's own needs (scenario, callback URL).
 * A refused call starts nothing.
 */

/** The receiver route of this server, used when only an origin is known. */
export const WEBHOOK_PATH = '/api/webhooks/opal-workflow';

export type TriggerCheck =
  | { kind: 'answer'; response: OpalHttpResponse }
  | {
      kind: 'start';
      callbackUrl: string;
      scenario: SimulatorScenario;
      /** True when a scenario was sent but ignored (`allowScenarios: false`). */
      scenarioIgnored: boolean;
      correlationId: string | undefined;
      syncId: string | undefined;
      /** The trigger's W3C trace context, which the run's callbacks continue as Opal's would. */
      trace: { parent: TraceParent; state: string | undefined } | undefined;
    };

export interface TriggerCheckOptions {
  authKeyDigest: Buffer;
  allowScenarios: boolean;
  callbackUrlOverride: string | undefined;
}

/** The bearer is compared as SHA-256 digests: constant time, whatever the lengths. */
export const digestKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

export function checkTrigger(req: OpalHttpRequest, opts: TriggerCheckOptions): TriggerCheck {
  const headers = lowerCaseKeys(req.headers);
  const correlationId = headers['x-correlation-id'];
  const answer = (status: number, error: string, message: string, extra: Record<string, unknown> = {}, more: Record<string, string> = {}): TriggerCheck => ({
    kind: 'answer',
    response: jsonResponse(status, { error, message, ...extra }, { ...more, ...(correlationId ? { 'x-correlation-id': correlationId } : {}) }),
  });

  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer === undefined || !timingSafeEqual(digestKey(bearer), opts.authKeyDigest)) {
    return answer(401, 'unauthorized', 'missing or invalid bearer token', {}, { 'www-authenticate': 'Bearer' });
  }
  const contentType = headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(contentType.trim())) {
    return answer(415, 'unsupported_media_type', 'the body must be application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch {
    return answer(400, 'invalid_json', 'the body is not valid JSON');
  }
  if (!isObject(body)) return answer(400, 'invalid_request', 'the body must be a JSON object');
  if (typeof body.workflow_name !== 'string') return answer(400, 'invalid_request', 'workflow_name is required');
  if (body.workflow_name !== STRATEGY_WORKFLOW) {
    return answer(403, 'workflow_not_allowed', `workflow ${JSON.stringify(body.workflow_name.slice(0, 100))} cannot be started with this key`);
  }
  if (!isObject(body.input_data)) return answer(400, 'invalid_request', 'input_data must be an object');
  const metadata = body.metadata === undefined ? {} : body.metadata;
  if (!isObject(metadata)) return answer(400, 'invalid_request', 'metadata must be an object');

  let scenario: SimulatorScenario = {};
  const scenarioSent = metadata.simulator_scenario !== undefined && metadata.simulator_scenario !== null;
  if (opts.allowScenarios) {
    const parsed = parseScenario(metadata.simulator_scenario);
    if (!parsed.ok) {
      return answer(400, 'invalid_request', 'metadata.simulator_scenario is invalid', { details: { field_errors: parsed.fieldErrors } });
    }
    scenario = parsed.scenario;
  }
  if (scenario.http_status !== undefined) {
    // 429 and 503 are the answers a client should retry later: tell it when.
    const retry: Record<string, string> = scenario.http_status === 429 || scenario.http_status === 503 ? { 'retry-after': '1' } : {};
    return answer(scenario.http_status, 'simulated_error', `simulated HTTP ${scenario.http_status} (simulator_scenario.http_status)`, {}, retry);
  }

  const callbackUrl = resolveCallbackUrl(opts.callbackUrlOverride, metadata.callback_url);
  if (callbackUrl === undefined) {
    return answer(400, 'invalid_request', 'no usable callback URL: metadata.callback_url must be an http(s) URL');
  }
  return {
    kind: 'start',
    callbackUrl,
    scenario,
    scenarioIgnored: !opts.allowScenarios && scenarioSent,
    correlationId: textOrUndefined(metadata.correlation_id) ?? correlationId,
    syncId: textOrUndefined(metadata.sync_id),
    trace: traceOf(headers),
  };
}

/**
 * The override wins (BASE_URL may name a host this process cannot reach,
 * while its own listening address always works). An override that is only
 * an origin keeps the callback path the client asked for.
 */
export function resolveCallbackUrl(override: string | undefined, fromMetadata: unknown): string | undefined {
  const requested = typeof fromMetadata === 'string' ? httpUrl(fromMetadata) : undefined;
  if (override === undefined) return requested?.toString();
  const url = httpUrl(override);
  if (url === undefined) return undefined;
  if (url.pathname === '/' && url.search === '') {
    url.pathname = requested?.pathname ?? WEBHOOK_PATH;
    url.search = requested?.search ?? '';
  }
  return url.toString();
}

function httpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): OpalHttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, bodyText: JSON.stringify(body) };
}

function traceOf(headers: Record<string, string | undefined>): Extract<TriggerCheck, { kind: 'start' }>['trace'] {
  const parent = parseTraceparent(headers.traceparent);
  return parent ? { parent, state: acceptTracestate(headers.tracestate) } : undefined;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined;
}
