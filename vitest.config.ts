import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite instances are memory-heavy; two workers suit this 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    // Test files share their worker's module cache: each stage is loaded once per worker, not once per file
    // (about a third of the suite's time went to loading modules). Tests restore what they change in
    // process.env, and module-level caches are keyed by their database or rule book.
    isolate: false,
  },
});
