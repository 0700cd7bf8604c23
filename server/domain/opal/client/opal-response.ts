/** Reading Opal's answers: the trigger result, `Retry-After`, an error message. */

export interface TriggerAnswer {
  workflowId: string;
  sessionId: string | null;
}

const idText = (v: unknown): string | null => {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
};

/** `workflow_id || id` and `session_id` from a 2xx body; undefined when the body is not JSON or has no id. */
export function parseTriggerAnswer(bodyText: string): TriggerAnswer | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  const workflowId = idText(o.workflow_id) ?? idText(o.id);
  if (workflowId === null) return undefined;
  return { workflowId, sessionId: idText(o.session_id) };
}

/** Case-insensitive header lookup (a transport other than fetch may not lower-case names). */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * `Retry-After` in milliseconds from `nowMs`: delta-seconds (`"120"`) or an
 * HTTP date (a date in the past gives 0). Undefined when absent or invalid.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) {
    const seconds = Number(v);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // An HTTP date always names a weekday or month; refuse bare numbers like "1.5" or "-3".
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * A short text from Opal's error body (`message`, `error`, `detail` of a JSON
 * object), at most 200 characters, with `secret` masked: enough for an
 * operator, never an echoed credential or an HTML page.
 */
export function opalErrorText(bodyText: string, secret: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object') return undefined;
  const o = body as Record<string, unknown>;
  const nested = o.error !== null && typeof o.error === 'object' ? (o.error as Record<string, unknown>).message : undefined;
  const text = [o.message, nested, o.error, o.detail, o.error_description].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (text === undefined) return undefined;
  const masked = secret.length > 0 ? text.split(secret).join('[redacted]') : text;
  return masked.length > 200 ? `${masked.slice(0, 200)}…` : masked;
}
