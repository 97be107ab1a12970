/**
 * Messages to a task process, sent once per turn of the event loop. Each IPC send is a JSON
 * serialisation and a write to the channel's pipe; at a fan-out's pace (a group commit claims
 * dozens of tries at once, handed to a few shared processes) those writes took 62 µs of the
 * worker's thread a try, 36 µs batched (`bench/profile-fanout.ts 5000 64 sqlite process`; the
 * rate itself did not move, BENCHMARKS.md). Messages sent in the same turn go as one `batch`
 * message, in order; a lone message goes as itself. The turn ends before any I/O is waited for
 * (setImmediate), so nothing waits longer.
 */

export interface MessageBatch<M> {
  readonly type: "batch";
  readonly messages: readonly M[];
}

export class IpcOutbox<M> {
  readonly #write: (message: M | MessageBatch<M>) => void;
  #pending: M[] = [];

  constructor(write: (message: M | MessageBatch<M>) => void) {
    this.#write = write;
  }

  send(message: M): void {
    this.#pending.push(message);
    if (this.#pending.length === 1) setImmediate(() => this.#flush());
  }

  #flush(): void {
    const messages = this.#pending;
    this.#pending = [];
    if (messages.length === 1) this.#write(messages[0] as M);
    else if (messages.length > 1) this.#write({ type: "batch", messages });
  }
}

/** The messages a received message stands for: a batch's, in order, or itself. */
export function unbatched<M extends { readonly type: string }>(message: M | MessageBatch<M>): readonly M[] {
  return message.type === "batch" ? (message as MessageBatch<M>).messages : [message as M];
}
