/**
 * Tributary's testing kit: run a DAG in a unit test, in memory, with a virtual clock. Retries,
 * backoff and timeouts take no real time; tasks run in the test's own process, so mocks and spies
 * work; the run goes through the real engine (state machine, trigger rules, retry delays,
 * branching, mapping) on an in-memory store. Works with vitest, jest and `node:test`.
 *
 * @example
 * ```ts
 * import { testDag } from "tributary-orchestrator/testing";
 * import dailySales from "../dags/daily-sales.js";
 *
 * const result = await testDag(dailySales, {
 *   logicalDate: "2024-03-01",
 *   params: { region: "us" },
 *   mocks: { extract_crm: [{ id: 1, segment: "smb" }] },
 *   failures: { extract_erp: 2 },          // the first two tries fail, the third runs
 * });
 * assert.equal(result.state, "success");
 * assert.deepEqual(result.retryWaits("extract_erp"), [30_000, 60_000]);
 * ```
 * @module
 */
export { testDag } from "./test-dag.js";
export type {
  InjectedFailures,
  ScriptedTry,
  TaskMock,
  TestApproval,
  TestDagOptions,
  TestEvent,
  TestDagResult,
  TestDatasetEvent,
  TestLogLine,
  TestTaskInstance,
  TestStep,
  TestTry,
} from "./types.js";
