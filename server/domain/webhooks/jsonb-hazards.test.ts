import { describe, expect, it } from 'vitest';
import { findJsonbHazard } from './jsonb-hazards';

const check = (text: string) => findJsonbHazard(JSON.parse(text), text);
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('findJsonbHazard', () => {
  it('accepts ordinary JSON, including escaped characters jsonb can hold', () => {
    expect(check('{"a":"caf\\u00e9 \\ud83d\\ude00","b":[1,2.5,null,true],"c":{"d":"x"}}')).toBeNull();
  });
  it('refuses \\u0000 in a value and in a key, naming where', () => {
    expect(check('{"a":{"b":"x\\u0000y"}}')).toMatch(/^body\.a\.b: contains \\u0000/);
    expect(check('{"k\\u0000":1}')).toMatch(/a key contains \\u0000/);
  });
  it('refuses lone surrogates', () => {
    expect(check('{"a":"\\ud800"}')).toMatch(/lone UTF-16 surrogate/);
    expect(check('{"a":"\\udc00x"}')).toMatch(/lone UTF-16 surrogate/);
  });
  it('refuses numbers beyond double range', () => {
    expect(check('{"a":1e400}')).toMatch(/out of range/);
  });
  it('allows 64 levels of nesting and refuses 65', () => {
    expect(check(nested(64))).toBeNull();
    expect(check(nested(65))).toMatch(/deeper than 64/);
  });
});
