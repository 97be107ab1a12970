/**
 * What a one-call step is asked to do (sql/shared/step-call.ts `stepCall`, on both dialects):
 * the outcomes it covers, and the ones it leaves to the statements' path before any call.
 */
import { describe, expect, it } from "vitest";
import type { DagGraph } from "../../../src/core/types.js";
import type { ClaimRequest, CompleteTryInput } from "../../../src/store/index.js";
import { stepCall } from "../../../src/store/sql/shared/step-call.js";
import { graph } from "../../conformance/fixtures.js";

const G: DagGraph = graph("g", [
  { id: "a" },
  { id: "b", upstream: ["a"] },
  { id: "either", upstream: ["a"], triggerRule: "one_success" },
  { id: "c" },
  { id: "d", upstream: ["c"] },
  { id: "src" },
  { id: "m", mapOver: "src" },
  { id: "out", outputDatasets: ["warehouse://t"] },
]);

const success = (taskId: string, extra: Partial<CompleteTryInput> = {}): CompleteTryInput => ({
  taskInstanceId: 1,
  taskId,
  tryNumber: 1,
  outcome: "success",
  result: 1,
  graph: G,
  now: new Date(0),
  ...extra,
});

const claim: ClaimRequest = { workerId: "w", limit: 1, dagIds: ["g"], now: new Date(0) };

describe("stepCall", () => {
  it("covers a plain success with its downstream tasks and its claim", () => {
    const call = stepCall([success("c")], { ...claim, wakeDagIds: ["g", "other"], queues: ["q"] });
    expect(call?.outcomes).toEqual([{ id: 1, task: "c", try: 1, now: 0, result: "1", downstream: [{ task: "d", upstream: ["c"] }] }]);
    expect(call?.claim).toEqual({ worker: "w", limit: 1, now: 0, dags: ["g"], queues: ["q"], wake: ["g"] });
  });

  it("stores a result JSON cannot express as null, as the statements' path does", () => {
    expect(stepCall([success("c", { result: () => 1 })], claim)?.outcomes[0]?.result).toBe("null");
  });

  it("leaves to the statements' path what it does not cover", () => {
    const declined: [string, readonly CompleteTryInput[], ClaimRequest | undefined][] = [
      ["no task named", [{ ...success("c"), taskId: undefined }], claim],
      ["a failure", [success("c", { outcome: "failed", error: "x" })], claim],
      ["a downstream trigger rule other than all_success", [success("a")], claim],
      ["a downstream task to expand", [success("src")], claim],
      ["datasets to record", [success("out")], claim],
      ["emitted datasets", [success("c", { emitted: [{ uri: "warehouse://t", metadata: {} }] })], claim],
      ["a cached result", [success("c", { cache: { key: "k", label: "k", hit: false } })], claim],
      ["a DAG limit on the claim", [success("c")], { ...claim, maxActiveTasks: new Map([["g", 2]]) }],
      ["one outcome of a batch it does not cover", [success("c"), success("a")], claim],
      ["over a million characters of log lines", [success("c", { logs: { tryId: 1, lines: Array.from({ length: 20 }, () => ({ at: new Date(0), stream: "stdout" as const, level: "info" as const, message: "x".repeat(60_000) })) } })], claim],
    ];
    for (const [why, inputs, request] of declined) expect([why, stepCall(inputs, request)]).toEqual([why, undefined]);
  });

  it("takes time in proportion to a worker's DAGs, not to their square (a claim of a worker serving 40,000)", () => {
    // The claim names every DAG the worker serves, and those that may wait: a membership test by
    // scanning the list cost 3,000 x 3,000 comparisons a claim for 3,000 DAGs, 13 ms a chain step.
    const dagIds = Array.from({ length: 40_000 }, (_, i) => `dag_${i}`);
    const request: ClaimRequest = { ...claim, dagIds, wakeDagIds: [...dagIds, "not-served"], maxActiveTasks: new Map([["not-served", 1]]) };
    // The quickest of three: a pause of the machine (the rest of the suite, a GC) only adds.
    const elapsed = Math.min(
      ...[1, 2, 3].map(() => {
        const started = performance.now();
        const call = stepCall([success("c")], request);
        const took = performance.now() - started;
        expect(call?.claim?.wake).toEqual(dagIds);
        return took;
      }),
    );
    // Linear: a few milliseconds; quadratic: 800 million comparisons, over a second.
    expect(elapsed).toBeLessThan(150);
  });
});
