import { loadConfig } from '../config/config';
import { databaseTargetOf } from '../server';
import { openDatabase } from './open-database';

// `npm run db:migrate`: applies pending migrations (the server also does this at start-up).
const { config } = loadConfig(process.env, { cwd: process.cwd() });
const database = await openDatabase(databaseTargetOf(config));
await database.close();
console.log(`migrations applied (${database.driver})`);
