import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { API_TYPES_FILE, apiDocument, generateApiTypes } from './api-types';

describe('the typed client', () => {
  it(`${API_TYPES_FILE} is what the routes declare now`, async () => {
    const committed = await readFile(new URL(`../${API_TYPES_FILE}`, import.meta.url), 'utf8');
    const fresh = await generateApiTypes(apiDocument(pkg.version));
    expect(committed, `${API_TYPES_FILE} is stale: run npm run generate:api-types`).toBe(fresh);
  });
});
