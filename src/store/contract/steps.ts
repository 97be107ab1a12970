/**
 * Durable steps (docs/durable-steps.md): `await ctx.step("name", fn)` inside a function task
 * stores the step's JSON result when it completes, so that a later try of the same task instance
 * replays it instead of calling `fn` again. A step is identified by its task instance and its
 * number in call order; its name is kept to detect a changed order on replay.
 */

/**
 * What a step does. `run` calls a function once and keeps its result. `sleep` (`ctx.sleep`) keeps
 * its wake-up time (`{"wakeAt": ISO}`): the try waits `deferred` until then, holding no slot, and
 * its resumption replays the step as done. `event` (`ctx.waitForEvent`, named after the event)
 * waits the same way until the event is delivered (its result the event's payload) or its deadline
 * passes (then it resolves to null).
 */
export type StepKind = "run" | "sleep" | "event";

/** A completed step of a task instance. */
export interface StepRecord {
  readonly taskInstanceId: number;
  /** Its position in call order, from 1 (like try numbers). */
  readonly number: number;
  readonly name: string;
  readonly kind: StepKind;
  /** The try that completed it (a later try replays it). */
  readonly tryNumber: number;
  /** Its result as JSON text, as the task receives it on replay. */
  readonly resultJson: string;
  readonly startedAt: Date;
  /** When it completed; for an `event` step still waiting, its deadline. */
  readonly endedAt: Date;
  /**
   * An `event` step the event has not reached yet (its result is `null` meanwhile): recorded so
   * when first reached, cleared by delivery. Absent or false for every other step.
   */
  readonly waiting?: boolean;
}

/** An event posted to the steps that wait for it (`ctx.waitForEvent`). */
export interface DeliverEventInput {
  /** The event's name (the rule of the DAG option `events`). */
  readonly name: string;
  /** JSON text of its payload: the waiting steps' result. */
  readonly payloadJson: string;
  readonly now: Date;
}

export interface StepStore {
  /** The completed steps of a task instance, in call order. */
  list(taskInstanceId: number): Promise<StepRecord[]>;
  /** The completed steps of every task instance of a run (for its Gantt view), by task instance id. */
  listForRun(runId: string): Promise<Map<number, StepRecord[]>>;
  /**
   * Records a completed step, if `tryNumber` is still the task instance's running try. Resolves to
   * false when it is not (the try was failed as a zombie, cancelled, marked or cleared meanwhile):
   * nothing is written, and the try must not go on as if its step were durable. Recording the
   * same step of the same try again is harmless (true, the first record kept).
   */
  record(step: StepRecord): Promise<boolean>;
  /**
   * Delivers an event to every `event` step waiting for it that started no later than `now` and
   * whose deadline is after `now`, of a task instance not finished: each gets the payload as its
   * result and `now` as its end, and a task instance waiting `deferred` on it is queued at once
   * (workers are told). One transaction. Resolves to the number of steps reached.
   */
  deliverEvent(input: DeliverEventInput): Promise<number>;
}
