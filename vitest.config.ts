import { configDefaults, defineConfig } from "vitest/config";
import { SlowFirstSequencer } from "./test/support/slow-first-sequencer.js";

export default defineConfig({
  test: {
    // examples/**/*.test.ts: the examples' own tests, written with tributary/testing.
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    // Tests that disturb every other test (a PostgreSQL restart) run on their own, afterwards:
    // vitest.isolated.config.ts.
    exclude: [...configDefaults.exclude, "test/isolated/**"],
    // Most test files wait on child processes, servers and timers rather than compute: on the
    // 2-core CI machine, vitest's default (cores - 1 = one file at a time) leaves the CPU idle.
    // Measured on that machine on 2026-12-06, back to back: 3 files at once 530 s, 4 files 422 s,
    // 5 files 471 s (and a race test starved of CPU).
    maxWorkers: 4,
    // The longest files first, so that none of them is left running alone at the end.
    sequence: { sequencer: SlowFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Services in tests import their DAG files every start: what the cache of DAG shapes would
    // hand out depends on earlier runs (scheduler/dag-shape-cache.ts). Its own tests pass one.
    env: { TRIBUTARY_DAG_CACHE: "off" },
  },
});
