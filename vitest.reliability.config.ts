import { defineConfig } from 'vitest/config';

// The fault tests start servers as child processes and kill them; they run
// one file at a time so that their loads and timings do not overlap.
export default defineConfig({
  test: {
    include: ['reliability/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
