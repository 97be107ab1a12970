// Durable steps (ctx.step) on the task's side, in every isolation: a step's result is handed to the
// worker's recorder before the task goes on, a later try replays recorded steps without calling
// their functions, and a changed order, a nested step or a non-JSON result fails the try clearly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Isolation } from "../../../src/core/types.js";
import { TaskRunners } from "../../../src/worker/task-runners.js";
import type { FinishedStep, RecordStep, ReplayedStep, TaskRunOutcome } from "../../../src/worker/task-protocol.js";
import { fixture, logSink, request } from "./pool-helpers.js";

const FILE = fixture("steps.ts");

function failure(outcome: TaskRunOutcome): { kind: string; message: string } {
  if (outcome.ok) throw new Error(`expected a failed try, got ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

/** A recorder that keeps what it is given, in the order it was given. */
function recorder(): { steps: FinishedStep[]; record: RecordStep } {
  const steps: FinishedStep[] = [];
  return { steps, record: (step) => Promise.resolve(void steps.push(step)) };
}

const replayed = (steps: readonly FinishedStep[], tryNumber = 1): ReplayedStep[] =>
  steps.map(({ number, name, kind, resultJson }) => ({ number, name, kind, tryNumber, resultJson }));

describe.each<Isolation>(["process", "thread", "inline"])("ctx.step in isolation %s", (isolation) => {
  let runners: TaskRunners;
  beforeAll(async () => {
    runners = new TaskRunners({ size: 2, killGraceMs: 200, maxResultBytes: 1_000 });
    await runners.warmUp([FILE], new Set([isolation]));
  });
  afterAll(() => runners.close());

  const run = (taskId: string, options: { steps?: ReplayedStep[]; record?: RecordStep; tryNumber?: number } = {}, onLog = logSink().onLog) =>
    runners.run(
      request("steps.ts", "steps", taskId, { isolation, tryNumber: options.tryNumber ?? 1, ...(options.steps ? { steps: options.steps } : {}) }),
      onLog,
      undefined,
      options.record,
    );

  it("records each step in call order with its JSON result, and hands the task what JSON reads back", async () => {
    const { steps, record } = recorder();
    const log = logSink();
    const outcome = await run("three", { record }, log.onLog);
    expect(outcome).toEqual({
      ok: true,
      result: { extract: { rows: [1, 2, 3], at: "1970-01-01T00:00:00.000Z" }, transform: [10, 20, 30], load: 3, called: ["extract", "transform", "load"] },
      emitted: [],
    });
    expect(steps.map(({ number, name, kind, resultJson }) => ({ number, name, kind, resultJson }))).toEqual([
      { number: 1, name: "extract", kind: "run", resultJson: '{"rows":[1,2,3],"at":"1970-01-01T00:00:00.000Z"}' },
      { number: 2, name: "transform", kind: "run", resultJson: "[10,20,30]" },
      { number: 3, name: "load", kind: "run", resultJson: "3" },
    ]);
    const transform = steps[1];
    expect(Date.parse(transform?.endedAt ?? "") - Date.parse(transform?.startedAt ?? "")).toBeGreaterThanOrEqual(4);
    expect(log.messages().filter((m) => m.startsWith("step "))).toEqual([
      expect.stringMatching(/^step 1 "extract" done in \d+ ms$/),
      expect.stringMatching(/^step 2 "transform" done in \d+ ms$/),
      expect.stringMatching(/^step 3 "load" done in \d+ ms$/),
    ]);
  });

  it("ctx.sleep records a sleep step and suspends the try; resumed after its time, it replays as done", async () => {
    const first = recorder();
    const sent = Date.now();
    const suspended = await run("sleeps", { record: first.record });
    if (!suspended.ok || suspended.sleepsUntil === undefined) throw new Error(`expected a suspended try, got ${JSON.stringify(suspended)}`);
    expect(suspended.result).toBeNull();
    const wakeAt = Date.parse(suspended.sleepsUntil);
    expect(wakeAt - sent).toBeGreaterThanOrEqual(3_600_000 - 50);
    expect(wakeAt - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(first.steps.map(({ number, name, kind, resultJson, endedAt }) => ({ number, name, kind, resultJson, endedAt }))).toEqual([
      { number: 1, name: "before", kind: "run", resultJson: '"done before"', endedAt: expect.any(String) as string },
      { number: 2, name: "sleep", kind: "sleep", resultJson: JSON.stringify({ wakeAt: suspended.sleepsUntil }), endedAt: suspended.sleepsUntil },
    ]);

    // Resumed too early (another worker's clock runs ahead): it sleeps again, for the rest only.
    const early = recorder();
    const again = await run("sleeps", { steps: replayed(first.steps), record: early.record });
    expect(again).toMatchObject({ ok: true, result: null, sleepsUntil: suspended.sleepsUntil });
    expect(early.steps).toEqual([]);

    // Resumed once its time has come: the step and the sleep replay, the code after them runs.
    const past = new Date(Date.now() - 1_000).toISOString();
    const due = first.steps.map((step) => (step.kind === "sleep" ? { ...step, resultJson: JSON.stringify({ wakeAt: past }) } : step));
    const log = logSink();
    const resumed = await run("sleeps", { steps: replayed(due), record: recorder().record }, log.onLog);
    expect(resumed).toEqual({ ok: true, result: { before: "done before", after: true }, emitted: [] });
    expect(log.messages().filter((m) => m.startsWith("step "))).toEqual(['step 1 "before" replayed from try 1', `step 2 "sleep" done: woke at ${past}`]);
  });

  it("ctx.waitForEvent records a waiting event step and suspends the try until its deadline; on replay it resolves to the payload, or null once timed out", async () => {
    const first = recorder();
    const sent = Date.now();
    const suspended = await run("awaits_event", { record: first.record });
    if (!suspended.ok || suspended.sleepsUntil === undefined) throw new Error(`expected a suspended try, got ${JSON.stringify(suspended)}`);
    const deadline = suspended.sleepsUntil;
    expect(Date.parse(deadline) - sent).toBeGreaterThanOrEqual(7_200_000 - 50);
    const [, wait] = first.steps;
    expect(wait).toMatchObject({ number: 2, name: "orders.shipped", kind: "event", resultJson: "null", endedAt: deadline, waiting: true });
    const base = replayed(first.steps.slice(0, 1));
    const asReplayed = (step: Partial<ReplayedStep>): ReplayedStep[] => [...base, { number: 2, name: "orders.shipped", kind: "event", tryNumber: 1, resultJson: "null", ...step }];

    // Still waiting before its deadline (woken early): it suspends again until the same deadline, recording nothing.
    const early = recorder();
    expect(await run("awaits_event", { steps: asReplayed({ waiting: true, endedAt: deadline }), record: early.record })).toMatchObject({ ok: true, sleepsUntil: deadline });
    expect(early.steps).toEqual([]);

    // Delivered: the payload is the wait's value.
    const at = new Date(sent + 1_000).toISOString();
    const log = logSink();
    const delivered = await run("awaits_event", { steps: asReplayed({ waiting: false, endedAt: at, resultJson: '{"carrier":"ups"}' }), record: recorder().record }, log.onLog);
    expect(delivered).toEqual({ ok: true, result: { before: "done before", shipped: { carrier: "ups" } }, emitted: [] });
    expect(log.messages()).toContain(`step 2 event "orders.shipped" received at ${at}`);

    // Its deadline passed with no event: null.
    const past = new Date(Date.now() - 1_000).toISOString();
    const timedOut = await run("awaits_event", { steps: asReplayed({ waiting: true, endedAt: past }), record: recorder().record });
    expect(timedOut).toEqual({ ok: true, result: { before: "done before", shipped: null }, emitted: [] });

    // Another step at its place: the order changed.
    const moved = failure(await run("awaits_event", { steps: [...base, { number: 2, name: "sleep", kind: "sleep", tryNumber: 1, resultJson: JSON.stringify({ wakeAt: past }) }], record: recorder().record }));
    expect(moved.message).toMatch(/^StepOrderError: step 2 is a wait for event "orders.shipped" in this try but was a sleep when it completed \(try 1\)/);
  });

  it("replays the steps an earlier try completed and runs only the rest", async () => {
    const first = recorder();
    await run("three", { record: first.record });
    const second = recorder();
    const log = logSink();
    const outcome = await run("three", { steps: replayed(first.steps.slice(0, 2)), record: second.record, tryNumber: 2 }, log.onLog);
    expect(outcome.ok && outcome.result).toMatchObject({ transform: [10, 20, 30], load: 3, called: ["load"] });
    expect(second.steps.map((s) => s.name)).toEqual(["load"]);
    expect(log.messages().filter((m) => m.startsWith("step "))).toEqual([
      'step 1 "extract" replayed from try 1',
      'step 2 "transform" replayed from try 1',
      expect.stringMatching(/^step 3 "load" done in \d+ ms$/),
    ]);
  });

  it("fails the try when the steps come in another order than when they completed", async () => {
    const first = recorder();
    await run("three", { record: first.record });
    const reordered = failure(await run("reordered", { steps: replayed(first.steps), record: recorder().record, tryNumber: 2 }));
    expect(reordered).toMatchObject({ kind: "error" });
    expect(reordered.message).toBe(
      'StepOrderError: step 1 is "transform" in this try but was "extract" when it completed (try 1): steps must be called in the same order on every try; clear the task instance to run all its steps again',
    );
    const fewer = failure(await run("fewer", { steps: replayed(first.steps), record: recorder().record, tryNumber: 2 }));
    expect(fewer.message).toBe(
      'StepOrderError: the task returned after 1 step, but step 2 "transform" completed in try 1: steps must be called in the same order on every try; clear the task instance to run all its steps again',
    );
  });

  it("fails the try for a nested step, a step result that is not JSON, or a step that cannot be recorded", async () => {
    expect(failure(await run("nested", { record: recorder().record })).message).toBe(
      'TypeError: ctx.step("inner") was called inside step "outer": steps cannot be nested; call them one after another in the task',
    );
    const notJson = recorder();
    expect(failure(await run("not_json", { record: notJson.record })).message).toBe(
      'the result of step 1 "handle" is not JSON: the result is a Map (convert it with Object.fromEntries)',
    );
    expect(notJson.steps).toEqual([]);
    const refused: RecordStep = () => Promise.reject(new Error('step 1 "extract" was not recorded: try 1 no longer owns its task instance'));
    expect(failure(await run("three", { record: refused })).message).toBe('step 1 "extract" was not recorded: try 1 no longer owns its task instance');
    expect(failure(await run("three")).message).toBe("ctx.step needs a worker that records steps in a store; this runner has none");
  });

  it("records nothing for a step that throws: the try fails with its error", async () => {
    const { steps, record } = recorder();
    expect(failure(await run("throws", { record })).message).toBe("the warehouse is down");
    expect(steps.map((s) => s.name)).toEqual(["first"]);
  });
});
