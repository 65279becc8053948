import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The chaos suite kills processes for minutes; `npm run test:chaos` runs it (vitest.chaos.config.ts).
    exclude: ['tests/chaos/**', 'node_modules/**'],
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
