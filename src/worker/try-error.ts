import type { TaskFailure } from "./task-protocol.js";

/** A failure that says what kind it is (a `process.exit` stopped by try-scope.ts is a `crash`). */
export class KindedTryError extends Error {
  readonly kind: TaskFailure["kind"];

  constructor(kind: TaskFailure["kind"], message: string) {
    super(message);
    this.kind = kind;
  }
}
