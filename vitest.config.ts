import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The chaos suite kills processes and holds 5 s bounds, so it runs on its own after this one
    // (`npm run test:chaos`, the last step of `npm test`), not beside other files on 2 cores.
    exclude: ['tests/chaos/**', 'tests/stack/**', 'node_modules/**'],
    pool: 'forks',
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text', 'lcov'],
      thresholds: { lines: 80 },
    },
  },
});
