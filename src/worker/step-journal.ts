/**
 * `ctx.step` on the task's side (docs/durable-steps.md): numbers each step in call order, replays
 * the steps earlier tries completed (their stored results, without calling the function again),
 * and runs the others: the result is checked like a task's (JSON, size limit) and recorded
 * through `record` (by the worker, over IPC or directly) before the step's promise resolves, so a
 * kill -9 right after cannot lose it. A step whose function throws records nothing: the error
 * fails the try like any other.
 *
 * `ctx.sleep` is a step of kind `sleep` whose result is its wake-up time: recorded when first
 * reached, it then suspends the try (`suspended` settles, and the sleep's promise never does), and
 * the worker records the try as `deferred` until then. The resumed try replays its steps from the
 * start; a sleep whose time has come replays as done, one whose time has not suspends again.
 *
 * `ctx.waitForEvent` is a step of kind `event`, named after the event, that suspends the same way
 * until its deadline; delivery (the store's `steps.deliverEvent`) gives it the payload and wakes
 * the try. On replay a delivered wait resolves to its payload, one past its deadline to null, and
 * any other suspends again.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { formatDuration, parseDuration } from "../core/duration.js";
import { EVENT_NAME } from "../dsl/dag-options.js";
import { serialiseResult } from "./serialise-result.js";
import { KindedTryError } from "./try-error.js";
import type { StepKind } from "../store/index.js";
import type { FinishedStep, RecordStep, ReplayedStep } from "./task-protocol.js";

export interface StepJournalOptions {
  /** Steps completed by earlier tries of the task instance. */
  readonly replayed: readonly ReplayedStep[];
  /** Records a finished step durably (see RecordStep). */
  readonly record: RecordStep;
  /** Writes a line to the try's log. */
  readonly log: (message: string) => void;
  readonly maxResultBytes: number;
  /** The clock of step times (the testing kit's is virtual). */
  readonly now: () => Date;
}

/** Steps were called in another order than when they completed: replaying would hand results to the wrong steps. */
export class StepOrderError extends Error {
  override readonly name = "StepOrderError";

  constructor(
    readonly number: number,
    readonly calledName: string,
    readonly storedName: string | undefined,
    readonly storedTry: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export class StepJournal {
  readonly #options: StepJournalOptions;
  readonly #replayed: ReadonlyMap<number, ReplayedStep>;
  /** Set inside a step's function: steps do not nest (a replayed outer step would skip the inner ones' numbers). */
  readonly #inside = new AsyncLocalStorage<string>();
  #called = 0;
  #suspend: (wakeAt: string) => void = () => undefined;
  /** Settles with the wake-up time (ISO) when the try reaches a sleep whose time has not come. */
  readonly suspended: Promise<string>;

  constructor(options: StepJournalOptions) {
    this.#options = options;
    this.#replayed = new Map(options.replayed.map((step) => [step.number, step]));
    this.suspended = new Promise<string>((resolve) => (this.#suspend = resolve));
  }

  /**
   * `ctx.sleep(duration)`: the next step in call order, of kind `sleep`. Resolves when its wake-up
   * time has come; before that, records it (first time) and suspends the try: the returned
   * promise never settles, the try ends as `deferred`, and a later claim resumes it.
   */
  async sleep(duration: unknown): Promise<void> {
    if (typeof duration !== "string" && typeof duration !== "number") {
      throw new TypeError(`ctx.sleep needs a duration ("10m", "1h30m" or milliseconds), got ${describe(duration)}`);
    }
    let ms: number;
    try {
      ms = parseDuration(duration, {});
    } catch (error) {
      throw new TypeError(`ctx.sleep: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const outer = this.#inside.getStore();
    if (outer !== undefined) {
      throw new TypeError(`ctx.sleep was called inside step "${outer}": a step cannot sleep; sleep between steps, in the task`);
    }
    const number = ++this.#called;
    const stored = this.#replayed.get(number);
    let wakeAt: Date;
    if (stored !== undefined) {
      if (stored.kind !== "sleep") throw this.#orderError(number, SLEEP_STEP_NAME, "sleep", stored);
      wakeAt = new Date((JSON.parse(stored.resultJson) as { wakeAt: string }).wakeAt);
    } else {
      const started = this.#options.now();
      wakeAt = new Date(started.getTime() + ms);
      await this.#options.record({
        number,
        name: SLEEP_STEP_NAME,
        kind: "sleep",
        resultJson: JSON.stringify({ wakeAt: wakeAt.toISOString() }),
        startedAt: started.toISOString(),
        // A sleep's end is its wake-up time, known from the start.
        endedAt: wakeAt.toISOString(),
      });
      this.#options.log(`step ${number} "sleep" for ${formatDuration(ms)}: the try waits until ${wakeAt.toISOString()} without a worker slot`);
    }
    if (this.#options.now().getTime() >= wakeAt.getTime()) {
      if (stored !== undefined) this.#options.log(`step ${number} "sleep" done: woke at ${wakeAt.toISOString()}`);
      return;
    }
    this.#suspend(wakeAt.toISOString());
    return new Promise<never>(() => undefined);
  }

  /**
   * `ctx.waitForEvent(name, { timeout })`: the next step in call order, of kind `event`. Resolves to
   * the event's payload once delivered, or to null once the deadline (its start + timeout) has
   * passed; before that, records it waiting (first time) and suspends the try like a sleep.
   */
  async waitForEvent<T>(name: unknown, options: unknown): Promise<T | null> {
    if (typeof name !== "string" || !EVENT_NAME.test(name)) {
      throw new TypeError(`ctx.waitForEvent needs an event name (letters, digits, and _ . : / -, at most 200) as its first argument, got ${describe(name)}`);
    }
    const timeout = (options as { timeout?: unknown } | null | undefined)?.timeout;
    if (typeof timeout !== "string" && typeof timeout !== "number") {
      throw new TypeError(`ctx.waitForEvent("${name}") needs { timeout } ("2h", "30m" or milliseconds) as its second argument, got ${describe(timeout)} for timeout`);
    }
    let ms: number;
    try {
      ms = parseDuration(timeout, {});
    } catch (error) {
      throw new TypeError(`ctx.waitForEvent("${name}") timeout: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const outer = this.#inside.getStore();
    if (outer !== undefined) {
      throw new TypeError(`ctx.waitForEvent("${name}") was called inside step "${outer}": a step cannot wait; wait between steps, in the task`);
    }
    const number = ++this.#called;
    const stored = this.#replayed.get(number);
    let deadline: Date;
    if (stored !== undefined) {
      if (stored.kind !== "event" || stored.name !== name) throw this.#orderError(number, name, "event", stored);
      if (stored.waiting !== true) {
        // Settled: delivered (a payload is an object), or settled to null by the wake-up at its deadline (sql/waits/wake-due.ts).
        const timedOut = stored.resultJson === "null";
        this.#options.log(
          timedOut
            ? `step ${number} event "${name}" timed out at ${stored.endedAt ?? "?"}: resolves to null`
            : `step ${number} event "${name}" received at ${stored.endedAt ?? "?"}`,
        );
        return JSON.parse(stored.resultJson) as T;
      }
      deadline = new Date(stored.endedAt ?? 0);
    } else {
      const started = this.#options.now();
      deadline = new Date(started.getTime() + ms);
      await this.#options.record({
        number,
        name,
        kind: "event",
        resultJson: "null",
        startedAt: started.toISOString(),
        // While it waits, its end is its deadline; delivery sets the time the event came.
        endedAt: deadline.toISOString(),
        waiting: true,
      });
      this.#options.log(`step ${number} waits for event "${name}" until ${deadline.toISOString()} without a worker slot`);
    }
    if (this.#options.now().getTime() >= deadline.getTime()) {
      this.#options.log(`step ${number} event "${name}" timed out at ${deadline.toISOString()}: resolves to null`);
      return null;
    }
    this.#suspend(deadline.toISOString());
    return new Promise<never>(() => undefined);
  }

  #orderError(number: number, calledName: string, calledKind: StepKind, stored: ReplayedStep): StepOrderError {
    const called = stepWords(calledKind, calledName);
    const was = stepWords(stored.kind, stored.name);
    return new StepOrderError(
      number,
      calledName,
      stored.name,
      stored.tryNumber,
      `step ${number} is ${called} in this try but was ${was} when it completed (try ${stored.tryNumber}): ` +
        "steps must be called in the same order on every try; clear the task instance to run all its steps again",
    );
  }

  /** Runs (or replays) the next step in call order. */
  async step<T>(name: unknown, fn: unknown): Promise<T> {
    if (typeof name !== "string" || name.trim() === "") {
      throw new TypeError(`ctx.step needs a name (a non-empty string) as its first argument, got ${describe(name)}`);
    }
    if (typeof fn !== "function") throw new TypeError(`ctx.step("${name}", fn) needs a function as its second argument, got ${describe(fn)}`);
    const outer = this.#inside.getStore();
    if (outer !== undefined) {
      throw new TypeError(`ctx.step("${name}") was called inside step "${outer}": steps cannot be nested; call them one after another in the task`);
    }
    const number = ++this.#called;
    const stored = this.#replayed.get(number);
    if (stored !== undefined) {
      if (stored.name !== name || stored.kind !== "run") throw this.#orderError(number, name, "run", stored);
      this.#options.log(`step ${number} "${name}" replayed from try ${stored.tryNumber}`);
      return JSON.parse(stored.resultJson) as T;
    }
    const started = this.#options.now();
    const value: unknown = await this.#inside.run(name, () => (fn as () => unknown)());
    const serialised = serialiseResult(value, this.#options.maxResultBytes, `the result of step ${number} "${name}"`);
    if (!serialised.ok) throw new KindedTryError(serialised.kind, serialised.message);
    const ended = this.#options.now();
    const finished: FinishedStep = {
      number,
      name,
      kind: "run",
      resultJson: serialised.json,
      startedAt: started.toISOString(),
      endedAt: ended.toISOString(),
    };
    await this.#options.record(finished);
    this.#options.log(`step ${number} "${name}" done in ${ended.getTime() - started.getTime()} ms`);
    // What a replay would hand back: the same value on every try.
    return JSON.parse(serialised.json) as T;
  }

  /**
   * Called when the task has returned: steps earlier tries completed that this try never reached
   * mean the order (or the set) of steps changed, and the stored results no longer describe it.
   */
  checkAllReplayed(): void {
    const missed = [...this.#replayed.values()].filter((step) => step.number > this.#called);
    const first = missed[0];
    if (first === undefined) return;
    throw new StepOrderError(
      first.number,
      "",
      first.name,
      first.tryNumber,
      `the task returned after ${this.#called} step${this.#called === 1 ? "" : "s"}, but step ${first.number} "${first.name}" ` +
        `completed in try ${first.tryNumber}: steps must be called in the same order on every try; ` +
        "clear the task instance to run all its steps again",
    );
  }
}

/** The stored name of every `ctx.sleep` step (its duration may change between deploys; its place may not). */
const SLEEP_STEP_NAME = "sleep";

/** How an order error names a step: a sleep has no name of its own. */
function stepWords(kind: StepKind, name: string): string {
  if (kind === "sleep") return "a sleep";
  if (kind === "event") return `a wait for event "${name}"`;
  return `"${name}"`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value;
}
