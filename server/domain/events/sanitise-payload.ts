// Keys whose values are credentials wherever they appear in a payload.
const SECRET_KEY = /(pass(word)?|secret|token|api[_-]?key|authorization|auth[_-]?key|credential|cookie|session[_-]?key|private[_-]?key)/i;

/**
 * A copy of a stored payload fit to show an operator: credential-looking
 * values replaced, everything else as received.
 */
export function sanitisePayload(value: unknown, depth = 0): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => sanitisePayload(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== null && typeof v !== 'object' ? '[redacted]' : sanitisePayload(v, depth + 1)]),
  );
}
