import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: 'web',
  plugins: [react()],
  resolve: {
    // The console's name for the contracts it shares with the server (tsconfig.json `paths` says the same to tsc).
    alias: [{ find: /^@contracts\//, replacement: `${root}server/contracts/` }],
  },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
  },
  server: {
    // `npm run dev:web` proxies the API to a server started with `npm run dev`.
    proxy: { '/api': 'http://127.0.0.1:3000', '/trpc': 'http://127.0.0.1:3000', '/metrics': 'http://127.0.0.1:3000' },
  },
  test: {
    root,
    include: ['server/**/*.test.ts', 'web/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts', 'clients/**/*.test.ts', 'e2e/support/*.test.ts'],
    // Every REST answer a test receives is parsed through its route's output contract.
    setupFiles: ['server/test-support/check-answers-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Each file starts its own servers and databases; two at a time fit two cores.
    maxWorkers: 2,
  },
});
