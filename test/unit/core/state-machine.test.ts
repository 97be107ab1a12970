import { describe, expect, it } from "vitest";
import { InvalidTransitionError } from "../../../src/core/errors.js";
import {
  assertRunTransition,
  assertTaskTransition,
  canTransitionRun,
  canTransitionTask,
  isTerminalRunState,
  isTerminalTaskState,
  runStateFromTasks,
  RUN_TRANSITIONS,
  TASK_TRANSITIONS,
} from "../../../src/core/state-machine.js";
import { TASK_STATES, type RunState, type TaskState } from "../../../src/core/types.js";

const RUN_STATES: readonly RunState[] = ["queued", "running", "success", "failed"];

// The allowed moves of docs/architecture.md §3, written out once more so that a change to the table shows up here.
// Besides the moves of §3: an operator marks any instance success or failed (from any other
// state), and a cancelled run skips the instances waiting for a retry. A sensor waits between
// pokes in `deferred` (docs/sensors.md): running -> deferred -> queued -> running ..., and a
// sensor with softFail that times out is skipped from running.
const EXPECTED_TASK: Record<TaskState, TaskState[]> = {
  scheduled: ["queued", "skipped", "upstream_failed", "failed", "success"],
  queued: ["running", "scheduled", "skipped", "upstream_failed", "failed", "success"],
  running: ["success", "failed", "deferred", "skipped"],
  deferred: ["queued", "failed", "success"],
  failed: ["retrying", "queued", "scheduled", "success"],
  retrying: ["queued", "scheduled", "failed", "skipped", "success"],
  success: ["scheduled", "failed"],
  skipped: ["scheduled", "success", "failed"],
  upstream_failed: ["scheduled", "success", "failed"],
};

const EXPECTED_RUN: Record<RunState, RunState[]> = {
  queued: ["running", "failed"],
  running: ["success", "failed"],
  success: ["running", "queued"],
  failed: ["running", "queued"],
};

function pairs<S extends string>(states: readonly S[]): [S, S][] {
  return states.flatMap((from) => states.map((to): [S, S] => [from, to]));
}

describe("task transitions", () => {
  it("the table is exactly the designed one, covering every state", () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual([...TASK_STATES].sort());
    for (const state of TASK_STATES) {
      expect([...TASK_TRANSITIONS[state]].sort(), state).toEqual([...EXPECTED_TASK[state]].sort());
    }
  });

  const all = pairs(TASK_STATES);
  const valid = all.filter(([from, to]) => EXPECTED_TASK[from].includes(to));
  const invalid = all.filter(([from, to]) => !EXPECTED_TASK[from].includes(to));

  it.each(valid)("allows %s -> %s", (from, to) => {
    expect(canTransitionTask(from, to)).toBe(true);
    expect(() => assertTaskTransition(from, to)).not.toThrow();
  });

  it.each(invalid)("refuses %s -> %s with an error naming both states", (from, to) => {
    expect(canTransitionTask(from, to)).toBe(false);
    const location = { dagId: "sales", taskId: "load" };
    let error: unknown;
    try {
      assertTaskTransition(from, to, location);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidTransitionError);
    const transition = error as InvalidTransitionError;
    expect(transition.message).toBe(`invalid task state transition: ${from} -> ${to}`);
    expect(transition.code).toBe("INVALID_TRANSITION");
    expect(transition.from).toBe(from);
    expect(transition.to).toBe(to);
    expect(transition.location).toEqual(location);
  });

  it("never allows staying in the same state", () => {
    for (const state of TASK_STATES) expect(canTransitionTask(state, state)).toBe(false);
  });

  it("walks the designed life of a task that fails, retries, dead-letters and is retried by hand", () => {
    const path: TaskState[] = ["scheduled", "queued", "running", "failed", "retrying", "queued", "running", "failed", "queued", "running", "success", "scheduled"];
    for (let i = 1; i < path.length; i++) {
      expect(() => assertTaskTransition(path[i - 1] as TaskState, path[i] as TaskState)).not.toThrow();
    }
  });

  it.each([
    ["success", true],
    ["failed", true],
    ["skipped", true],
    ["upstream_failed", true],
    ["scheduled", false],
    ["queued", false],
    ["running", false],
    ["retrying", false],
  ] as const)("%s is terminal: %s", (state, terminal) => {
    expect(isTerminalTaskState(state)).toBe(terminal);
  });
});

describe("run transitions", () => {
  it("the table is exactly the designed one", () => {
    for (const state of RUN_STATES) {
      expect([...RUN_TRANSITIONS[state]].sort(), state).toEqual([...EXPECTED_RUN[state]].sort());
    }
  });

  const all = pairs(RUN_STATES);
  it.each(all.filter(([from, to]) => EXPECTED_RUN[from].includes(to)))("allows %s -> %s", (from, to) => {
    expect(canTransitionRun(from, to)).toBe(true);
    expect(() => assertRunTransition(from, to)).not.toThrow();
  });

  it.each(all.filter(([from, to]) => !EXPECTED_RUN[from].includes(to)))("refuses %s -> %s", (from, to) => {
    expect(canTransitionRun(from, to)).toBe(false);
    expect(() => assertRunTransition(from, to, { dagId: "sales" })).toThrow(
      new InvalidTransitionError("run", from, to, { dagId: "sales" }),
    );
    expect(() => assertRunTransition(from, to)).toThrow(`invalid run state transition: ${from} -> ${to}`);
  });

  it.each([
    ["queued", false],
    ["running", false],
    ["success", true],
    ["failed", true],
  ] as const)("%s is terminal: %s", (state, terminal) => {
    expect(isTerminalRunState(state)).toBe(terminal);
  });
});

describe("runStateFromTasks", () => {
  // extract -> transform -> load, and extract -> notify (notify and load are the leaves)
  const leaves = new Set(["load", "notify"]);
  const run = (states: Record<string, TaskState>) =>
    runStateFromTasks(
      Object.entries(states).map(([taskId, state]) => ({ taskId, state })),
      leaves,
    );

  it.each<[string, Record<string, TaskState>, RunState]>([
    ["all succeeded", { extract: "success", transform: "success", load: "success", notify: "success" }, "success"],
    ["a task still scheduled", { extract: "success", transform: "success", load: "scheduled", notify: "success" }, "running"],
    ["a task queued", { extract: "queued", transform: "scheduled", load: "scheduled", notify: "scheduled" }, "running"],
    ["a task running, a leaf already failed", { extract: "success", transform: "running", load: "scheduled", notify: "failed" }, "running"],
    ["a task waiting to retry", { extract: "retrying", transform: "scheduled", load: "scheduled", notify: "scheduled" }, "running"],
    ["a leaf failed", { extract: "success", transform: "success", load: "failed", notify: "success" }, "failed"],
    ["a leaf upstream_failed", { extract: "success", transform: "failed", load: "upstream_failed", notify: "success" }, "failed"],
    ["a non-leaf failed that the leaves tolerated", { extract: "success", transform: "failed", load: "success", notify: "success" }, "success"],
    ["leaves skipped by a branch", { extract: "success", transform: "skipped", load: "skipped", notify: "success" }, "success"],
    ["every task skipped", { extract: "skipped", transform: "skipped", load: "skipped", notify: "skipped" }, "success"],
  ])("%s -> %s", (_name, states, expected) => {
    expect(run(states)).toBe(expected);
  });

  it("counts each instance of a mapped leaf", () => {
    const instances = [
      { taskId: "extract", state: "success" as const },
      { taskId: "load", state: "success" as const },
      { taskId: "load", state: "failed" as const },
    ];
    expect(runStateFromTasks(instances, new Set(["load"]))).toBe("failed");
  });

  it("a run without task instances has succeeded", () => {
    expect(runStateFromTasks([], new Set())).toBe("success");
  });
});

describe("operator moves", () => {
  it("an operator can mark an instance success or failed from every other state", () => {
    for (const from of TASK_STATES) {
      for (const to of ["success", "failed"] as const) {
        if (from !== to) expect(canTransitionTask(from, to), `${from} -> ${to}`).toBe(true);
      }
    }
  });

  it("a cancelled run can end every unfinished instance: running fails, the others are skipped", () => {
    expect(canTransitionTask("running", "failed")).toBe(true);
    for (const from of ["scheduled", "queued", "retrying"] as const) expect(canTransitionTask(from, "skipped"), from).toBe(true);
  });
});
