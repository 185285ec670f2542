import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    setupFiles: ['test/fail-on-console-error.ts'],
    // Two cores: more workers only contend for the same CPUs and the same PostgreSQL.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
