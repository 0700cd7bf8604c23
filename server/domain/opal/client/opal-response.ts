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
 * object), at most 200 characters, with `secrets` masked: enough for an
 * operator, never an echoed credential or an HTML page.
 */
export function opalErrorText(bodyText: string, secrets: string | readonly string[]): string | undefined {
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
  const masked = maskSecrets(text.slice(0, 2000), typeof secrets === 'string' ? [secrets] : secrets);
  return masked.length > 200 ? `${masked.slice(0, 200)}…` : masked;
}

// An echo is often cut short ("Token abcd1234efgh… is not valid"): a run this long copied from a secret is masked too.
const MIN_ECHO = 8;

/** Every occurrence of a secret, and every run of MIN_ECHO+ characters taken from one, becomes `[redacted]`. */
function maskSecrets(text: string, secrets: readonly string[]): string {
  const hidden = new Uint8Array(text.length);
  for (const secret of secrets) {
    if (secret === '') continue;
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) hidden.fill(1, at, at + secret.length);
    if (secret.length < MIN_ECHO) continue;
    const pieces = new Set<string>();
    for (let i = 0; i + MIN_ECHO <= secret.length; i++) pieces.add(secret.slice(i, i + MIN_ECHO));
    for (let i = 0; i + MIN_ECHO <= text.length; i++) if (pieces.has(text.slice(i, i + MIN_ECHO))) hidden.fill(1, i, i + MIN_ECHO);
  }
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (hidden[i] === 0) {
      out += text[i++];
      continue;
    }
    while (i < text.length && hidden[i] === 1) i++;
    out += '[redacted]';
  }
  return out;
}
