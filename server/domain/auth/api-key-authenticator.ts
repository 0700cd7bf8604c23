import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config/config';
import type { Caller } from './caller';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Matches a bearer token against `API_KEYS`. Keys are compared as SHA-256
 * digests with timingSafeEqual, against every key without stopping early, so
 * neither a key's length nor its position leaks through timing.
 */
export function createApiKeyAuthenticator(keys: Config['apiKeys']) {
  const known = keys.map((k) => ({ name: k.name, role: k.role, digest: digest(k.key) }));
  return {
    enabled: known.length > 0,
    match(token: string): Caller | null {
      const d = digest(token);
      let found: Caller | null = null;
      for (const k of known) {
        if (timingSafeEqual(d, k.digest) && !found) found = { name: k.name, role: k.role, via: 'api_key' };
      }
      return found;
    },
  };
}
export type ApiKeyAuthenticator = ReturnType<typeof createApiKeyAuthenticator>;
