import { defineConfig } from 'vitest/config';
// @ts-expect-error: a build script in JavaScript, without declarations
import { viteWat } from './scripts/wat.mjs';

export default defineConfig({
  plugins: [viteWat],
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // End-to-end tests spawn the built CLI; give slow CI machines room without asserting on time.
    testTimeout: 60_000,
  },
});
