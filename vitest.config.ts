import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests that disturb every other test (a PostgreSQL restart) run on their own, afterwards:
    // vitest.isolated.config.ts.
    exclude: [...configDefaults.exclude, "test/isolated/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
