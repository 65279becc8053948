import { defineConfig } from 'vitest/config';

/** `npm run test:chaos`: the chaos suite alone (processes killed with -9, servers restarted), one file at a time. */
export default defineConfig({
  test: {
    include: ['tests/chaos/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
});
