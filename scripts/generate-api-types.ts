/** `npm run generate:api-types`: writes clients/opal-force-sync-api.d.ts from the routes' OpenAPI document. */
import { writeFile } from 'node:fs/promises';
import pkg from '../package.json' with { type: 'json' };
import { API_TYPES_FILE, apiDocument, generateApiTypes } from './api-types';

await writeFile(new URL(`../${API_TYPES_FILE}`, import.meta.url), await generateApiTypes(apiDocument(pkg.version)));
console.log(`wrote ${API_TYPES_FILE}`);
