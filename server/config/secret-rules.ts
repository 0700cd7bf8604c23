/**
 * Strength rules for secrets. Each returns the problems as text that never
 * quotes the secret (not even the placeholder word it matched: the word
 * could be the whole value).
 */
import { Buffer } from 'node:buffer';

const PLACEHOLDER = /your-|placeholder|changeme|example/i;

export function hasPlaceholderWord(value: string): boolean {
  return PLACEHOLDER.test(value);
}

export function secretProblems(value: string, minChars: number): string[] {
  const problems: string[] = [];
  if (value.length < minChars) problems.push(`shorter than ${minChars} characters`);
  if (hasPlaceholderWord(value)) problems.push('contains a placeholder word');
  return problems;
}

const WHSEC = 'whsec_';
const MIN_WHSEC_KEY_BYTES = 24;

/**
 * A `whsec_` secret is a base64 key (Standard Webhooks), so its strength is
 * the decoded key's length, and it must decode; any other secret is used as
 * its UTF-8 text and needs 32+ characters.
 */
export function webhookSecretProblems(secret: string): string[] {
  if (!secret.startsWith(WHSEC)) return secretProblems(secret, 32);
  const encoded = secret.slice(WHSEC.length);
  const problems: string[] = [];
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    problems.push('whsec_ secret is not valid base64');
  } else if (Buffer.from(encoded, 'base64').length < MIN_WHSEC_KEY_BYTES) {
    problems.push(`whsec_ key shorter than ${MIN_WHSEC_KEY_BYTES} bytes`);
  }
  if (hasPlaceholderWord(secret)) problems.push('contains a placeholder word');
  return problems;
}
