/** `npm run generate:env-example`: writes .env.example from the configuration schema. */
import { writeFile } from 'node:fs/promises';
import { ENV_EXAMPLE_FILE, envExampleText } from './env-example';

await writeFile(new URL(`../${ENV_EXAMPLE_FILE}`, import.meta.url), envExampleText());
console.log(`wrote ${ENV_EXAMPLE_FILE}`);
