import { computeStandardWebhookMac, createStandardWebhookKey } from '../domain/webhooks/signature/standard-webhooks-signature';

/** A type alias, not an interface, so it can be passed where a header record is expected. */
export type StandardWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * The three Standard Webhooks headers for a body, signed the way a relay
 * signs them; the server only verifies, so the signer lives with the tests.
 */
export function signStandardWebhook({
  secret,
  id,
  timestampSeconds,
  rawBody,
}: {
  secret: string;
  id: string;
  timestampSeconds: number;
  rawBody: Buffer | string;
}): StandardWebhookHeaders {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError('timestampSeconds must be a non-negative safe integer');
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const mac = computeStandardWebhookMac(createStandardWebhookKey(secret), id, timestampSeconds, body);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${mac.toString('base64')}`,
  };
}
