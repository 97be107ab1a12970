import { configDefaults, defineConfig } from "vitest/config";
import { SlowFirstSequencer } from "./test/support/slow-first-sequencer.js";

/**
 * Files that run `isolation: "inline"` tasks inside the test process: a task's timer may still call
 * process.exit after its try ended (which is what inline isolation allows), so each of these files
 * gets a process of its own, thrown away afterwards.
 */
const OWN_PROCESS = [
  "test/unit/worker/isolations.test.ts",
  "test/unit/worker/steps.test.ts",
  "test/integration/api/steps.test.ts",
  "test/integration/api/approvals.test.ts",
];

export default defineConfig({
  test: {
    // Most test files wait on child processes, servers and timers rather than compute: on the
    // 2-core CI machine, vitest's default (cores - 1 = one file at a time) leaves the CPU idle.
    // Measured on that machine on 2026-12-06, back to back: 3 files at once 530 s, 4 files 422 s,
    // 5 files 471 s (and a race test starved of CPU).
    maxWorkers: 4,
    // The longest files first, so that none of them is left running alone at the end.
    sequence: { sequencer: SlowFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a server or a browser does a moment later: under the whole suite's
    // load, vitest's default of 1 s was not enough for a UI trigger's answer to reach the page
    // (ui-flows.test.ts, 2026-12-07). A poll that passes returns as soon as it does.
    expect: { poll: { timeout: 10_000 } },
    // Services in tests import their DAG files every start: what the cache of DAG shapes would
    // hand out depends on earlier runs (scheduler/dag-shape-cache.ts). Its own tests pass one.
    env: { TRIBUTARY_DAG_CACHE: "off" },
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          // examples/**/*.test.ts: the examples' own tests, written with tributary/testing.
          include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
          // Tests that disturb every other test (a PostgreSQL restart) run on their own, afterwards:
          // vitest.isolated.config.ts.
          exclude: [...configDefaults.exclude, "test/isolated/**", ...OWN_PROCESS],
          // A worker process runs file after file with the modules it loaded already: importing the
          // source afresh for every file cost about 70 CPU-seconds of the run (2026-12-06: 427 s
          // with a process per file, 397 s without). Test files hold no global state between them
          // (no module mocks, fake timers or working-directory changes).
          isolate: false,
        },
      },
      { extends: true, test: { name: "own-process", include: OWN_PROCESS } },
    ],
  },
});
