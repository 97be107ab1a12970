import { defineConfig } from "vitest/config";

/**
 * Tests that must not run alongside others, one file at a time: a PostgreSQL server restart
 * breaks every test using the server at that moment. `npm test` runs them after the main suite.
 */
export default defineConfig({
  test: {
    include: ["test/isolated/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 30_000,
  },
});
