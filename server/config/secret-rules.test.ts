import { describe, expect, it } from 'vitest';
import { secretProblems, webhookSecretProblems } from './secret-rules';

describe('secretProblems', () => {
  it.each(['your-key', 'PLACEHOLDER', 'ChangeMe', 'an-example'])('flags the placeholder word in %s', (value) => {
    expect(secretProblems(value.padEnd(40, 'x'), 32)).toEqual(['contains a placeholder word']);
  });

  it('counts characters', () => {
    expect(secretProblems('x'.repeat(31), 32)).toEqual(['shorter than 32 characters']);
    expect(secretProblems('x'.repeat(32), 32)).toEqual([]);
  });
});

describe('webhookSecretProblems', () => {
  const whsec = (bytes: number) => `whsec_${Buffer.alloc(bytes, 5).toString('base64')}`;

  it('measures a whsec_ secret by its decoded key', () => {
    expect(webhookSecretProblems(whsec(24))).toEqual([]);
    expect(webhookSecretProblems(whsec(23))).toEqual(['whsec_ key shorter than 24 bytes']);
    expect(webhookSecretProblems('whsec_%%%%')).toEqual(['whsec_ secret is not valid base64']);
  });

  it('measures any other secret by its characters', () => {
    expect(webhookSecretProblems('k'.repeat(32))).toEqual([]);
    expect(webhookSecretProblems('k'.repeat(31))).toEqual(['shorter than 32 characters']);
  });
});
