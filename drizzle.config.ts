import { defineConfig } from 'drizzle-kit';

// Migrations are generated from server/db/schema.ts and applied at start-up by
// the runtime migrator on both drivers. Add migrations; never edit old ones.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema.ts',
  out: './drizzle',
});
