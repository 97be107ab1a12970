import { describe, expect, it } from "vitest";
import { evaluateTriggerRule, TRIGGER_DECISION_STATE, type TriggerDecision } from "../../../src/core/trigger-rules.js";
import { TRIGGER_RULES, type TaskState, type TriggerRule, type UpstreamStateCounts } from "../../../src/core/types.js";

/** Upstream instance states -> counts and total, as the store computes them. */
function upstream(...states: TaskState[]): [UpstreamStateCounts, number] {
  const counts: Partial<Record<TaskState, number>> = {};
  for (const state of states) counts[state] = (counts[state] ?? 0) + 1;
  return [counts, states.length];
}

type Case = [TriggerRule, TaskState[], TriggerDecision];

// Each row: rule, the states of the direct upstream instances, the decision (Airflow's semantics).
const CASES: Case[] = [
  ["all_success", ["scheduled", "queued", "running"], "wait"],
  ["all_success", ["success", "success", "running"], "wait"],
  ["all_success", ["success", "retrying"], "wait"],
  ["all_success", ["success", "success", "success"], "ready"],
  ["all_success", ["failed", "running", "scheduled"], "upstream_failed"],
  ["all_success", ["upstream_failed", "success"], "upstream_failed"],
  ["all_success", ["skipped", "running", "scheduled"], "skip"],
  ["all_success", ["skipped", "failed", "success"], "upstream_failed"],

  ["all_failed", ["scheduled", "running"], "wait"],
  ["all_failed", ["failed", "running"], "wait"],
  ["all_failed", ["failed", "failed"], "ready"],
  ["all_failed", ["failed", "upstream_failed"], "ready"],
  ["all_failed", ["success", "running"], "skip"],
  ["all_failed", ["skipped", "failed"], "skip"],

  ["all_done", ["success", "failed", "skipped", "upstream_failed"], "ready"],
  ["all_done", ["success", "running"], "wait"],
  ["all_done", ["failed", "retrying"], "wait"],
  ["all_done", ["queued"], "wait"],

  ["one_success", ["scheduled", "running"], "wait"],
  ["one_success", ["success", "running", "scheduled"], "ready"],
  ["one_success", ["failed", "success"], "ready"],
  ["one_success", ["skipped", "skipped", "success"], "ready"],
  ["one_success", ["failed", "failed", "running"], "wait"],
  ["one_success", ["skipped", "skipped", "skipped"], "skip"],
  ["one_success", ["skipped", "skipped", "failed"], "upstream_failed"],
  ["one_success", ["failed", "upstream_failed"], "upstream_failed"],

  ["one_failed", ["scheduled", "running"], "wait"],
  ["one_failed", ["failed", "running", "scheduled"], "ready"],
  ["one_failed", ["upstream_failed", "success"], "ready"],
  ["one_failed", ["success", "success", "running"], "wait"],
  ["one_failed", ["success", "success", "success"], "skip"],
  ["one_failed", ["success", "skipped"], "skip"],

  ["none_failed", ["success", "running"], "wait"],
  ["none_failed", ["failed", "running"], "upstream_failed"],
  ["none_failed", ["upstream_failed", "success"], "upstream_failed"],
  ["none_failed", ["success", "skipped"], "ready"],
  ["none_failed", ["skipped", "skipped"], "ready"],
  ["none_failed", ["success", "success"], "ready"],

  ["none_failed_min_one_success", ["success", "running"], "wait"],
  ["none_failed_min_one_success", ["skipped", "running"], "wait"],
  ["none_failed_min_one_success", ["failed", "running"], "upstream_failed"],
  ["none_failed_min_one_success", ["upstream_failed", "skipped"], "upstream_failed"],
  ["none_failed_min_one_success", ["skipped", "skipped"], "skip"],
  ["none_failed_min_one_success", ["skipped", "success"], "ready"],
  ["none_failed_min_one_success", ["success", "success"], "ready"],

  ["none_skipped", ["success", "running"], "wait"],
  ["none_skipped", ["skipped", "running"], "skip"],
  ["none_skipped", ["success", "failed", "upstream_failed"], "ready"],
  ["none_skipped", ["success", "success"], "ready"],

  ["always", ["scheduled", "running"], "ready"],
  ["always", ["failed", "skipped"], "ready"],
  ["always", ["success"], "ready"],
];

describe("evaluateTriggerRule", () => {
  it.each(CASES)("%s with upstream %j -> %s", (rule, states, expected) => {
    const [counts, total] = upstream(...states);
    expect(evaluateTriggerRule(rule, counts, total)).toBe(expected);
  });

  it("covers every rule", () => {
    expect(new Set(CASES.map(([rule]) => rule))).toEqual(new Set(TRIGGER_RULES));
  });

  it.each(TRIGGER_RULES)("%s: a task without upstream tasks is ready", (rule) => {
    expect(evaluateTriggerRule(rule, {}, 0)).toBe("ready");
  });

  it("counts every instance of a mapped upstream task", () => {
    const [counts, total] = upstream("success", "success", "success", "running", "success");
    expect(evaluateTriggerRule("all_success", counts, total)).toBe("wait");
    const [done, doneTotal] = upstream("success", "success", "success", "success", "success");
    expect(evaluateTriggerRule("all_success", done, doneTotal)).toBe("ready");
  });

  it("treats a missing count as zero", () => {
    expect(evaluateTriggerRule("all_success", { success: 2 }, 2)).toBe("ready");
    expect(evaluateTriggerRule("all_done", { success: 1, failed: 1 }, 3)).toBe("wait");
  });

  it("maps final decisions to task states", () => {
    expect(TRIGGER_DECISION_STATE).toEqual({ skip: "skipped", upstream_failed: "upstream_failed" });
  });
});

interface SimTask {
  readonly id: string;
  readonly upstream: readonly string[];
  readonly rule?: TriggerRule;
}

/**
 * Runs trigger rules over a DAG (tasks in topological order), as the scheduler would: a ready
 * task ends in `outcomes[id]` (default success), a final decision moves it to its state.
 */
function simulate(tasks: readonly SimTask[], outcomes: Readonly<Record<string, TaskState>>): Record<string, TaskState> {
  const states: Record<string, TaskState> = {};
  for (const task of tasks) {
    const [counts, total] = upstream(...task.upstream.map((id) => states[id] ?? "scheduled"));
    const decision = evaluateTriggerRule(task.rule ?? "all_success", counts, total);
    if (decision === "wait") throw new Error(`${task.id} waits although its upstream tasks are done`);
    states[task.id] = decision === "ready" ? (outcomes[task.id] ?? "success") : TRIGGER_DECISION_STATE[decision];
  }
  return states;
}

describe("propagation through a DAG", () => {
  it("a skip propagates down a chain of all_success tasks and stops at all_done", () => {
    const states = simulate(
      [
        { id: "branch", upstream: [] },
        { id: "taken", upstream: ["branch"] },
        { id: "not_taken", upstream: ["branch"] },
        { id: "a", upstream: ["not_taken"] },
        { id: "b", upstream: ["a"] },
        { id: "c", upstream: ["b"] },
        { id: "cleanup", upstream: ["c"], rule: "all_done" },
      ],
      { not_taken: "skipped" },
    );
    expect(states).toMatchObject({ taken: "success", a: "skipped", b: "skipped", c: "skipped", cleanup: "success" });
  });

  it("joins after a branch: all_success skips, none_failed_min_one_success and one_success run", () => {
    const tasks: SimTask[] = [
      { id: "branch", upstream: [] },
      { id: "left", upstream: ["branch"] },
      { id: "right", upstream: ["branch"] },
      { id: "join_all_success", upstream: ["left", "right"] },
      { id: "join_min_one", upstream: ["left", "right"], rule: "none_failed_min_one_success" },
      { id: "join_one_success", upstream: ["left", "right"], rule: "one_success" },
      { id: "join_none_failed", upstream: ["left", "right"], rule: "none_failed" },
      { id: "join_none_skipped", upstream: ["left", "right"], rule: "none_skipped" },
      { id: "after_skipped_join", upstream: ["join_all_success"] },
    ];
    expect(simulate(tasks, { right: "skipped" })).toMatchObject({
      left: "success",
      join_all_success: "skipped",
      join_min_one: "success",
      join_one_success: "success",
      join_none_failed: "success",
      join_none_skipped: "skipped",
      after_skipped_join: "skipped",
    });
  });

  it("when every branch is skipped, min-one-success and one_success skip too", () => {
    const tasks: SimTask[] = [
      { id: "left", upstream: [] },
      { id: "right", upstream: [] },
      { id: "join_min_one", upstream: ["left", "right"], rule: "none_failed_min_one_success" },
      { id: "join_one_success", upstream: ["left", "right"], rule: "one_success" },
    ];
    expect(simulate(tasks, { left: "skipped", right: "skipped" })).toMatchObject({
      join_min_one: "skipped",
      join_one_success: "skipped",
    });
  });

  it("a failure propagates as upstream_failed and wakes the failure handlers", () => {
    const states = simulate(
      [
        { id: "extract", upstream: [] },
        { id: "transform", upstream: ["extract"] },
        { id: "load", upstream: ["transform"] },
        { id: "tolerant", upstream: ["transform"], rule: "none_failed" },
        { id: "notify_team", upstream: ["load"], rule: "all_done" },
        { id: "on_failure", upstream: ["extract", "transform"], rule: "one_failed" },
        { id: "all_broken", upstream: ["extract", "transform"], rule: "all_failed" },
        { id: "on_success", upstream: ["load"], rule: "all_success" },
      ],
      { extract: "failed" },
    );
    expect(states).toMatchObject({
      transform: "upstream_failed",
      load: "upstream_failed",
      tolerant: "upstream_failed",
      notify_team: "success",
      on_failure: "success",
      all_broken: "success",
      on_success: "upstream_failed",
    });
  });

  it("a failure handler is skipped when nothing failed", () => {
    const states = simulate(
      [
        { id: "extract", upstream: [] },
        { id: "on_failure", upstream: ["extract"], rule: "one_failed" },
        { id: "after_handler", upstream: ["on_failure"] },
        { id: "always_runs", upstream: ["on_failure"], rule: "always" },
      ],
      {},
    );
    expect(states).toMatchObject({ on_failure: "skipped", after_handler: "skipped", always_runs: "success" });
  });
});
