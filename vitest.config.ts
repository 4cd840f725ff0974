import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // End-to-end tests spawn the built CLI; give slow CI machines room without asserting on time.
    testTimeout: 60_000,
  },
});
