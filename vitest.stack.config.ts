import { defineConfig } from 'vitest/config';

/**
 * `npm run test:stack`: the compose stack's Temporal layer (schema job,
 * `temporal-server` on PostgreSQL, namespace job) with the compiled API and
 * worker, run without containers. It first builds the server from its Go
 * module (minutes, once per clone), so it runs alone, after the chaos suite.
 */
export default defineConfig({
  test: {
    include: ['tests/stack/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 30 * 60_000,
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
});
