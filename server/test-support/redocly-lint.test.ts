import { describe, expect, it } from 'vitest';
import { redoclyLint } from './redocly-lint';

describe('redoclyLint', () => {
  it("returns recommended's errors and warnings by rule, with where they are", async () => {
    const result = await redoclyLint({
      openapi: '3.1.0',
      info: { title: 'lint check', version: '1', license: { name: 'MIT', identifier: 'MIT' } },
      servers: [{ url: 'https://api.test' }],
      paths: {
        '/a': { get: { operationId: 'getA', security: [], responses: { '200': { description: 'ok' } } } },
        '/b': { get: { summary: 'B', operationId: 'getB', security: [{ missing: [] }], responses: { '200': { description: 'ok' }, '404': { description: 'no' } } } },
      },
    });
    expect(result.byRule).toEqual({
      'operation-summary': { error: 1, warn: 0 },
      'security-defined': { error: 1, warn: 0 },
      'operation-4xx-response': { error: 0, warn: 1 },
    });
    expect(result).toMatchObject({ errors: 2, warnings: 1 });
    expect(result.problems.find((p) => p.ruleId === 'operation-4xx-response')?.pointer).toBe('#/paths/~1a/get/responses');
  });
});
