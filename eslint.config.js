import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const DRIZZLE = { group: ['drizzle-orm', 'drizzle-orm/*', '**/db/schema'], message: 'HTTP and web code go through domain functions.' };
// `@contracts/*` is the console's alias (tsconfig.json, vite.config.ts); the server's esbuild bundle is not told about it.
const CONTRACTS_ALIAS = { group: ['@contracts', '@contracts/*'], message: 'server/ imports its contracts by relative path.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'drizzle/**', 'test-results/**', 'playwright-report/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [CONTRACTS_ALIAS] }] },
  },
  {
    // Drizzle stays in the database and domain layers (DESIGN.md).
    files: ['server/http/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DRIZZLE, CONTRACTS_ALIAS] }] },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DRIZZLE] }] },
  },
);
