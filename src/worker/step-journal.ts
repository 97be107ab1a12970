/**
 * `ctx.step` on the task's side (docs/durable-steps.md): numbers each step in call order, replays
 * the steps earlier tries completed (their stored results, without calling the function again),
 * and runs the others: the result is checked like a task's (JSON, size limit) and recorded
 * through `record` (by the worker, over IPC or directly) before the step's promise resolves, so a
 * kill -9 right after cannot lose it. A step whose function throws records nothing: the error
 * fails the try like any other.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { serialiseResult } from "./serialise-result.js";
import { KindedTryError } from "./try-error.js";
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

  constructor(options: StepJournalOptions) {
    this.#options = options;
    this.#replayed = new Map(options.replayed.map((step) => [step.number, step]));
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
      if (stored.name !== name) {
        throw new StepOrderError(
          number,
          name,
          stored.name,
          stored.tryNumber,
          `step ${number} is "${name}" in this try but was "${stored.name}" when it completed (try ${stored.tryNumber}): ` +
            "steps must be called in the same order on every try; clear the task instance to run all its steps again",
        );
      }
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

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value;
}
