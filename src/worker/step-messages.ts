/**
 * `ctx.step` across a process or thread boundary (task-protocol.ts): the task's side sends a
 * `step` message and waits for the pool's `stepRecorded` answer; the pool's side records the step
 * through the worker's RecordStep and answers. Task processes and task threads share both halves.
 */
import type { FinishedStep, FromTaskProcess, RecordStep, ToTaskProcess } from "./task-protocol.js";

type StepRecorded = Extract<ToTaskProcess, { type: "stepRecorded" }>;

/** The task's side: one RecordStep per try, whose promises the answers settle. */
export class StepRequests {
  readonly #send: (message: FromTaskProcess) => void;
  readonly #waiting = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();

  constructor(send: (message: FromTaskProcess) => void) {
    this.#send = send;
  }

  recorder(tryId: number): RecordStep {
    return (step: FinishedStep) =>
      new Promise<void>((resolve, reject) => {
        this.#waiting.set(`${tryId}:${step.number}`, { resolve, reject });
        this.#send({ type: "step", tryId, step });
      });
  }

  /** Settles the step an answer is about (an answer about a forgotten try is ignored). */
  answer(message: StepRecorded): void {
    const key = `${message.tryId}:${message.number}`;
    const waiting = this.#waiting.get(key);
    if (!waiting) return;
    this.#waiting.delete(key);
    if (message.error === undefined) waiting.resolve();
    else waiting.reject(new Error(message.error));
  }

  /** Forgets a try's unanswered steps (the try has ended). */
  forget(tryId: number): void {
    for (const key of this.#waiting.keys()) if (key.startsWith(`${tryId}:`)) this.#waiting.delete(key);
  }
}

/** The pool's side: records a step the task sent and answers it, whatever happens. */
export function answerStep(
  record: RecordStep | undefined,
  message: Extract<FromTaskProcess, { type: "step" }>,
  send: (answer: StepRecorded) => void,
): void {
  const { tryId, step } = message;
  const recording = record ? record(step) : Promise.reject(new Error("ctx.step needs a worker that records steps in a store; this runner has none"));
  recording.then(
    () => send({ type: "stepRecorded", tryId, number: step.number }),
    (error: unknown) => send({ type: "stepRecorded", tryId, number: step.number, error: error instanceof Error ? error.message : String(error) }),
  );
}
