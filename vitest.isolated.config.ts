import { defineConfig } from "vitest/config";

/**
 * Tests that must not run alongside others, one file at a time: a PostgreSQL server restart
 * breaks every test using the server at that moment, and a test that compares timings (the
 * 1,000-sensor test: a chain with sensors waiting against the same chain alone) measures the
 * other test files' load instead when they run beside it. `npm test` runs them after the main suite.
 */
export default defineConfig({
  test: {
    include: ["test/isolated/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 30_000,
    // As in vitest.config.ts.
    env: { TRIBUTARY_DAG_CACHE: "off" },
  },
});
