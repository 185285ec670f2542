import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    setupFiles: ['test/fail-on-console-error.ts'],
    // Two cores: more workers only contend for the same CPUs and the same PostgreSQL.
    maxWorkers: 2,
    // The second records each run's results and, after a run of every file, fails it when a hazard's control lacks a passing test.
    reporters: ['default', './src/safety/test-results-reporter.ts'],
  },
});
